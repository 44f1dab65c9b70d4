/** drizzle-kit settings: SQL migrations for `db/schema.ts` go to `db/migrations/`. */
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./db/schema.ts",
  out: "./db/migrations",
});
