using Loos.Edge.MBus.Master;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.MBus.Polling;

/// <summary>Reads the meters of one M-Bus line, one request at a time.</summary>
public interface IMBusMeterReader : IDisposable
{
    /// <summary>
    /// Reads every telegram of the meter at <paramref name="address"/> into <paramref name="records"/> (cleared first);
    /// a silent meter or an invalid reply is a status, not an exception.
    /// </summary>
    /// <exception cref="MBusLineException">The serial port failed.</exception>
    ValueTask<MBusReadStatus> ReadAsync(MBusMeterAddress address, MBusRecordBuffer records, CancellationToken cancellationToken);
}

/// <summary>Opens the reader of a polled line.</summary>
public interface IMBusMeterReaderFactory
{
    /// <summary>A new reader for the line named <paramref name="lineName"/>; the poller disposes it.</summary>
    /// <exception cref="ArgumentException">The options cannot make a master.</exception>
    IMBusMeterReader Create(string lineName, MBusLineOptions options);
}

/// <summary>Creates readers over the serial master, <see cref="MBusMaster"/>.</summary>
internal sealed class MBusMeterReaderFactory(ILoggerFactory loggerFactory, TimeProvider timeProvider) : IMBusMeterReaderFactory
{
    public IMBusMeterReader Create(string lineName, MBusLineOptions options) =>
        new MasterReader(MBusMaster.ForSerialPort(options, loggerFactory.CreateLogger("Loos.Edge.MBus.Line." + lineName), timeProvider));

    private sealed class MasterReader(MBusMaster master) : IMBusMeterReader
    {
        public ValueTask<MBusReadStatus> ReadAsync(MBusMeterAddress address, MBusRecordBuffer records, CancellationToken cancellationToken) =>
            master.ReadAsync(address, records, cancellationToken);

        public void Dispose() => master.Dispose();
    }
}
