# Empty dependencies file for hm_objects.
# This may be replaced when dependencies are built.
