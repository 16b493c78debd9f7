"""Reading the audit log (审计日志): filtered, newest first, a page at a time, values masked.

Reading is not itself audited: the rows are masked, only roles entrusted with the log
(audit.read) see it, and a row per page read would bury the log in rows about reading it.
"""
