// The package's version, for reports. Taken from package.json at build time:
// the bundler inlines the one field (tree-shaking drops the rest), so the
// browser-safe core reads no file and imports no Node built-in.
import { version } from "../../package.json";

/**
 * The version of dbsim that is running (package.json's `version`). Every
 * report carries it, since figures move as the models improve.
 *
 * @remarks Since 0.2.0
 */
export const VERSION: string = version;
