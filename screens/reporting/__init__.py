"""Reports (报表): the monthly report, blank forms and month locks."""
