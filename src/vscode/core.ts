// Everything the extension loads on first use, as one bundle of its own (dist/extensionCore.js), so that
// activation compiles only the small dist/extension.js. extension.ts reaches these through loadCore().
export * as chatParticipant from './chatParticipant';
export * as askCommand from './askCommand';
export * as askTool from './askTool';
export * as openCitation from './openCitation';
export * as settings from './settings';
export * as workspaceSpec from './workspaceSpec';
export * as childProcesses from '../workspace/childProcesses';
export * as sessions from './sessions';
