"""The operator console's window: thin widgets that observe the control plane and call it."""
