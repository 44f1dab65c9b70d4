/**
 * The two kinds of object the API grants roles on, connections and balancers, and what
 * differs between their endpoints: the plural in the path (also the OpenAPI tag), the
 * `{name}` parameter with its example, and the repository.
 * @module
 */
import type { Repositories } from "../../db/mod.ts";
import { balancerNameParam } from "./balancer_schema.ts";
import { connectionNameParam } from "./connection_schema.ts";

/** A kind of object that carries grants. */
export type ObjectKind = "connection" | "balancer";

/** What the endpoints of each kind differ in. */
export const OBJECT_KINDS = {
  connection: {
    plural: "connections",
    nameParam: connectionNameParam,
    repo: (repos: Repositories): ObjectRepo => repos.connections,
  },
  balancer: {
    plural: "balancers",
    nameParam: balancerNameParam,
    repo: (repos: Repositories): ObjectRepo => repos.balancers,
  },
} as const;

/** The repository of either kind; the methods they share have the same signatures. */
export type ObjectRepo = Repositories["connections"] | Repositories["balancers"];
