/** Files of a folder tree, for tests that read the sources or a build. */
import { readdirSync } from "node:fs"
import { join } from "node:path"

/** Every file under `folder`, at any depth, whose name ends with `extension` (".ts"), as full paths. */
export const filesUnder = (folder: string, extension: string): ReadonlyArray<string> =>
  readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(extension))
    .map((entry) => join(entry.parentPath, entry.name))
