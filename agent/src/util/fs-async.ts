/**
 * The few promise-returning file calls the agent makes, built on `node:fs`'s callback API
 * instead of imported from `node:fs/promises`. That module loads its FileHandle streams, and
 * with them `readline` and the REPL's history, for about 1 MiB of resident memory an agent has
 * no use for (issue 3's 60 MB figure); the callbacks need nothing beyond `fs` itself.
 * Each keeps the `node:fs/promises` signature for the arguments the agent passes.
 * @module
 */
import {
  access as accessCb,
  chmod as chmodCb,
  mkdir as mkdirCb,
  readdir as readdirCb,
  readFile as readFileCb,
  realpath as realpathCb,
  rm as rmCb,
  stat as statCb,
  statfs as statfsCb,
} from 'node:fs';
import type * as fsp from 'node:fs/promises';
import { promisify } from 'node:util';

export const access = promisify(accessCb) as typeof fsp.access;
export const chmod = promisify(chmodCb) as typeof fsp.chmod;
export const mkdir = promisify(mkdirCb) as typeof fsp.mkdir;
export const readdir = promisify(readdirCb) as typeof fsp.readdir;
export const readFile = promisify(readFileCb) as typeof fsp.readFile;
// realpath(3), as `node:fs/promises` uses, not the JavaScript walk of `fs.realpath`.
export const realpath = promisify(realpathCb.native) as typeof fsp.realpath;
export const rm = promisify(rmCb) as typeof fsp.rm;
export const stat = promisify(statCb) as typeof fsp.stat;
export const statfs = promisify(statfsCb) as typeof fsp.statfs;
