package dev.switchboard.picker.config;

import dev.switchboard.picker.flowcontrol.FlowControlConfig;
import dev.switchboard.picker.flowcontrol.SaturationDetector;
import dev.switchboard.picker.scheduling.SchedulingProfile;

/**
 * A loaded {@code EndpointPickerConfig}: how one pool orders its endpoints and admits requests.
 *
 * @param profile            the scheduling profile
 * @param saturationDetector decides when the pool is saturated (the {@code utilization-detector} by default)
 * @param flowControl        the flow control settings, or null when flow control is off (the default: sheddable
 *                           requests are then dropped while the pool is saturated, the others go through)
 */
public record EndpointPickerConfig(SchedulingProfile profile, SaturationDetector saturationDetector,
        FlowControlConfig flowControl) {

    public boolean flowControlEnabled() {
        return flowControl != null;
    }
}
