namespace Loos.Edge.MBus.Master;

/// <summary>A request on an M-Bus line that did not give a usable reply.</summary>
public abstract class MBusException : Exception
{
    protected MBusException(string message)
        : base(message)
    {
    }

    protected MBusException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The serial port could not be opened or broke.</summary>
public sealed class MBusLineException : MBusException
{
    public MBusLineException(string message)
        : base(message)
    {
    }

    public MBusLineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The meter did not answer within the response timeout, after every retry.</summary>
public sealed class MBusNoReplyException(string message) : MBusException(message);

/// <summary>The meter answered with something that is not a valid reply (bad checksum, cut off, collision), after every retry.</summary>
public sealed class MBusInvalidReplyException(string message, string reason, int offset) : MBusException(message)
{
    /// <summary>Why the reply was rejected, e.g. "checksum mismatch".</summary>
    public string Reason { get; } = reason;

    /// <summary>The byte offset of the fault in the reply.</summary>
    public int Offset { get; } = offset;
}
