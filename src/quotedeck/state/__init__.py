"""What persists between builds: the lock, and the change plan against it.

Imports notes and below.
"""
