"""The files `prodi init` copies into a new project (data only: see prodi.app.init_project).

Under template/, `__project__` in a path or a file stands for the project's pipeline name and
`__delta_package__` for the Delta Lake jar (Maven coordinate) of the installed pyspark.
"""
