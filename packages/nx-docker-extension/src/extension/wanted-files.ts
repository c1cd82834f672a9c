// Which files of an image the rules read, and how many bytes of each: everything else is skipped unread.
import { BINARY_HEAD_BYTES } from './binary-arch';
import { WantedFiles } from './image-view';
import { dashboardTab, ExtensionMetadata, hostBinaries, imagePath, stringField } from './metadata';

export const METADATA_PATH = 'metadata.json';
export const METADATA_MAX_BYTES = 1 << 20;
export const COMPOSE_MAX_BYTES = 1 << 20;
/** Enough to tell png/jpeg/gif/ico/webp from their magic and find `<svg` in an SVG's prologue. */
export const ICON_HEAD_BYTES = 1024;

export function wantedFiles(metadata: ExtensionMetadata | undefined): WantedFiles {
  const wanted: WantedFiles = new Map([[METADATA_PATH, METADATA_MAX_BYTES]]);
  const want = (path: string, bytes: number) => wanted.set(path, Math.max(bytes, wanted.get(path) ?? 0));
  const icon = stringField(metadata?.icon);
  if (icon) want(imagePath(icon), ICON_HEAD_BYTES);
  const tab = dashboardTab(metadata);
  if (tab) want(imagePath(`${tab.root}/${tab.src}`), 0);
  const compose = stringField(metadata?.vm?.composefile);
  if (compose) want(imagePath(compose), COMPOSE_MAX_BYTES);
  for (const binary of hostBinaries(metadata)) want(imagePath(binary.path), BINARY_HEAD_BYTES);
  return wanted;
}
