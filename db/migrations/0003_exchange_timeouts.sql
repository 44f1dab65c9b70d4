ALTER TABLE `connections` ADD `head_timeout_ms` integer DEFAULT 60000 NOT NULL;--> statement-breakpoint
ALTER TABLE `connections` ADD `body_timeout_ms` integer DEFAULT 60000 NOT NULL;--> statement-breakpoint
ALTER TABLE `connections` ADD `write_timeout_ms` integer DEFAULT 60000 NOT NULL;