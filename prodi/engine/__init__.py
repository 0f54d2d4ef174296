"""The runner template: any layer's planned items through their stages, on one Spark session."""
