import { useQuery } from "@tanstack/react-query";
import { unwrap } from "./client";
import { api } from "../session";

/**
 * Names for the machine ids that sessions carry: one page of the machines list, cached and shared by every page that
 * lists sessions (the API has no batch lookup). An id not on that page shows as its first 8 characters.
 */
export function useMachineNames(): (id: string) => string {
  const names = useQuery({
    queryKey: ["machine-names"],
    staleTime: 30_000,
    queryFn: ({ signal }) => unwrap(api.client.GET("/api/machines", { params: { query: { pageSize: 500 } }, signal })),
  });
  return (id) => {
    const m = names.data?.items.find((x) => x.id === id);
    return m ? m.displayName || m.hostname : id.slice(0, 8);
  };
}
