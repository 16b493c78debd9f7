"""What printed forms and reports hold: plain, masked records gathered for reports/."""
