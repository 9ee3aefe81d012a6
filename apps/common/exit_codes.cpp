// placeholder replaced by the CLI plumbing
