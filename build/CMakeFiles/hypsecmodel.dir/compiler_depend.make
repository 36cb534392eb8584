# Empty compiler generated dependencies file for hypsecmodel.
# This may be replaced when dependencies are built.
