namespace Loos.Edge.Core;

/// <summary>How far a reading can be trusted.</summary>
public enum Quality : byte
{
    /// <summary>Read from the device at its timestamp.</summary>
    Good = 0,

    /// <summary>The device did not answer; the value is absent (NaN) and never a re-sent old value.</summary>
    Stale = 1,

    /// <summary>Computed rather than measured, for example shared across a gap.</summary>
    Estimated = 2,

    /// <summary>
    /// Taken while the system clock was not synchronised, in a boot that ended before it was: its time is the stale
    /// clock's and cannot be corrected. Set aside, never forwarded at that time.
    /// </summary>
    ClockUnsynced = 3,
}
