package dev.switchboard.picker.scheduling;

import java.util.List;

/** Narrows the candidate endpoints for a request; returning none ends the pick with "no endpoint available". */
public interface Filter extends Plugin {
    List<EndpointState> filter(PickRequest request, List<EndpointState> endpoints);
}
