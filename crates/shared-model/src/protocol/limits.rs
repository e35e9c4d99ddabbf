//! Size limits shared by both sides so the helper never builds what the server refuses.

/// Hard cap on rows in one batch.
pub const MAX_BATCH_ROWS: usize = 2_000;
/// Hard cap on one batch's uncompressed JSON body; the server stops decompressing here
/// (decompression-bomb guard).
pub const MAX_BATCH_UNCOMPRESSED_BYTES: usize = 4 * 1024 * 1024;
/// Hard cap on one batch request body as sent (compressed); the route's body limit.
pub const MAX_BATCH_BODY_BYTES: usize = 4 * 1024 * 1024;
/// The helper closes a batch once it reaches this many uncompressed bytes.
pub const SOFT_BATCH_BYTES: usize = 1024 * 1024;
/// Body limit of the small JSON routes (enroll, open session, commit, refs).
pub const MAX_JSON_BODY_BYTES: usize = 64 * 1024;
/// Most batches one kind may declare in a session.
pub const MAX_BATCHES_PER_KIND: u32 = 10_000;
