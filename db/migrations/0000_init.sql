CREATE TABLE `api_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`name` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash_unique` ON `api_tokens` (`hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_user_idx` ON `api_tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`target` text NOT NULL,
	`before` text,
	`after` text
);
--> statement-breakpoint
CREATE TABLE `balancer_members` (
	`balancer_id` integer NOT NULL,
	`connection_id` integer NOT NULL,
	`load_factor` integer DEFAULT 1 NOT NULL,
	`route` text,
	`status` text DEFAULT 'active' NOT NULL,
	PRIMARY KEY(`balancer_id`, `connection_id`),
	FOREIGN KEY (`balancer_id`) REFERENCES `balancers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "balancer_members_load_factor" CHECK("balancer_members"."load_factor" BETWEEN 1 AND 100)
);
--> statement-breakpoint
CREATE INDEX `balancer_members_connection_idx` ON `balancer_members` (`connection_id`);--> statement-breakpoint
CREATE TABLE `balancer_permissions` (
	`balancer_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`role` text NOT NULL,
	PRIMARY KEY(`balancer_id`, `user_id`, `role`),
	FOREIGN KEY (`balancer_id`) REFERENCES `balancers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `balancer_permissions_user_idx` ON `balancer_permissions` (`user_id`);--> statement-breakpoint
CREATE TABLE `balancers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`method` text DEFAULT 'byrequests' NOT NULL,
	`sticky_session` text,
	`sticky_force` integer DEFAULT false NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`description` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `balancers_name_key_unique` ON `balancers` (`name_key`);--> statement-breakpoint
CREATE TABLE `config_version` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	CONSTRAINT "config_version_single_row" CHECK("config_version"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `connection_permissions` (
	`connection_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`role` text NOT NULL,
	PRIMARY KEY(`connection_id`, `user_id`, `role`),
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `connection_permissions_user_idx` ON `connection_permissions` (`user_id`);--> statement-breakpoint
CREATE TABLE `connections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`type` text NOT NULL,
	`host` text NOT NULL,
	`port` integer,
	`secret` text,
	`packet_size` integer DEFAULT 8192 NOT NULL,
	`protocol` text,
	`path` text,
	`proxy_port` integer,
	`username` text,
	`password` text,
	`pool_initial` integer DEFAULT 0 NOT NULL,
	`pool_max` integer DEFAULT 64,
	`idle_timeout_ms` integer DEFAULT 7200000 NOT NULL,
	`connect_timeout_ms` integer DEFAULT 5000 NOT NULL,
	`acquire_timeout_ms` integer DEFAULT 10000 NOT NULL,
	`reply_timeout_ms` integer DEFAULT 60000 NOT NULL,
	`ping_mode` text DEFAULT 'none' NOT NULL,
	`ping_timeout_ms` integer DEFAULT 5000 NOT NULL,
	`ping_interval_ms` integer DEFAULT 10000 NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`description` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `connections_name_key_unique` ON `connections` (`name_key`);--> statement-breakpoint
CREATE TABLE `routes` (
	`id` text PRIMARY KEY NOT NULL,
	`host` text,
	`host_key` text DEFAULT '' NOT NULL,
	`path_prefix` text NOT NULL,
	`connection_id` integer,
	`balancer_id` integer,
	`backend_path` text,
	`preserve_host` integer DEFAULT true NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`balancer_id`) REFERENCES `balancers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `routes_host_prefix_idx` ON `routes` (`host_key`,`path_prefix`);--> statement-breakpoint
CREATE INDEX `routes_connection_idx` ON `routes` (`connection_id`);--> statement-breakpoint
CREATE INDEX `routes_balancer_idx` ON `routes` (`balancer_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`superuser` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_name_key_unique` ON `users` (`name_key`);