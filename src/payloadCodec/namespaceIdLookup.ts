import type { NamespaceIdLookup } from './keyringFromEnv.js';

/** The slice of a Temporal connection's WorkflowService the lookup needs (client or native). */
interface DescribesNamespaces {
  describeNamespace(request: {
    namespace: string;
  }): Promise<{ namespaceInfo?: { id?: string | null } | null }>;
}

/** A NamespaceIdLookup over a connection; an unknown namespace answers undefined. */
export function namespaceIdLookup(service: DescribesNamespaces, namespace: string): NamespaceIdLookup {
  return async () => {
    try {
      return (await service.describeNamespace({ namespace })).namespaceInfo?.id ?? undefined;
    } catch {
      return undefined;
    }
  };
}
