/** A path parameter's value: a string, or a number for an `integer`/`number` parameter. */
export type PathParamValue = string | number;
