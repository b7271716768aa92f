export { type ProviderCase, providers } from "./providers.js";
