# Empty dependencies file for hypsecmodel_static.
# This may be replaced when dependencies are built.
