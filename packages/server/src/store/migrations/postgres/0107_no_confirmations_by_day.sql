-- Statistics count checks in their own tables as the rows arrive (decision 0115); nothing reads confirmations by
-- day, and the index cost every group commit a write (decision 0167).
DROP INDEX IF EXISTS confirmations_day;
