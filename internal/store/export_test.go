package store

// SetFlushHook sets a function FinishScan calls after each batch it
// sends, with the table and the rows sent so far (nil: none). Tests use
// it to stop a process in the middle of a write.
func SetFlushHook(f func(table string, rows int)) { testHookFlush = f }
