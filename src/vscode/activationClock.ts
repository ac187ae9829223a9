// Imported first by extension.ts, so its timestamp is taken before any other module of the bundle evaluates:
// activation cost = module evaluation + activate().
export const moduleStart = performance.now();
