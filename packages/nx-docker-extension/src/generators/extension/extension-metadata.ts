import type { ExtensionMetadata } from '../../extension/metadata';
import type { NormalizedExtensionOptions } from './normalize-options';

export const ICON_FILE = 'docker.svg';
export const COMPOSE_FILE = 'docker-compose.yaml';

/** metadata.json: only the keys Docker Desktop's schema allows (icon, ui, vm; host comes with host binaries). */
export function extensionMetadata(o: NormalizedExtensionOptions): ExtensionMetadata {
  const metadata: ExtensionMetadata = { icon: ICON_FILE };
  if (o.backend === 'go') {
    metadata.vm = { composefile: COMPOSE_FILE, exposes: { socket: o.socket } };
  }
  if (o.ui !== 'none') {
    metadata.ui = {
      'dashboard-tab': {
        title: o.title,
        root: 'ui',
        src: 'index.html',
        ...(o.socket ? { backend: { socket: o.socket } } : {}),
      },
    };
  }
  return metadata;
}
