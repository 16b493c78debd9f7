"""The service log (走访): visits logged and planned, and what is due."""
