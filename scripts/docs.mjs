console.log("DOCS SCRIPT");
