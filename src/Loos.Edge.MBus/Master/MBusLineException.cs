namespace Loos.Edge.MBus.Master;

/// <summary>The serial port of an M-Bus line could not be opened or broke: not a meter's failure, but the gateway's.</summary>
public sealed class MBusLineException : Exception
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
