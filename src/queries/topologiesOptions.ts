/**
 * React Query option factories for the saved topologies ("My topologies"). Reads only: writes are
 * mutations in the UI that invalidate {@link topologiesKey}.
 *
 * @example
 * const { data } = useQuery(topologiesListOptions());
 */
import { queryOptions } from '@tanstack/react-query';
import { getTopology, listTopologies } from '../storage/topologies';

/** The key prefix of every saved-topology query (invalidate it after a write). */
export const topologiesKey = ['topologies'] as const;

/** The list of saved topologies, newest first. */
export const topologiesListOptions = () =>
  queryOptions({
    queryKey: [...topologiesKey, 'list'] as const,
    queryFn: listTopologies,
    staleTime: 0,
  });

/** One saved topology. */
export const topologyOptions = (id: string) =>
  queryOptions({
    queryKey: [...topologiesKey, 'one', id] as const,
    queryFn: async () => (await getTopology(id)) ?? null,
  });
