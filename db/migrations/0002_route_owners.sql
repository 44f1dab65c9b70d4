CREATE TABLE `route_permissions` (
	`route_id` text NOT NULL,
	`user_id` integer NOT NULL,
	`role` text NOT NULL,
	PRIMARY KEY(`route_id`, `user_id`, `role`),
	FOREIGN KEY (`route_id`) REFERENCES `routes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `route_permissions_user_idx` ON `route_permissions` (`user_id`);--> statement-breakpoint
ALTER TABLE `connections` ADD `restricted` integer DEFAULT false NOT NULL;