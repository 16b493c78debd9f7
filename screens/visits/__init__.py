"""The service log (走访): the list, what is due, and logging or completing a visit."""
