"""The `catalog` command line: the operators' and developers' shell over the services and the domain."""
