"""Exports into the tools planners already use: CSV, Excel workbooks, iCalendar."""
