using System.IO.Ports;

namespace Loos.Edge.MBus.Master;

/// <summary>How an M-Bus line (a level converter on a serial port) is driven.</summary>
public sealed class MBusLineOptions
{
    /// <summary>The serial device of the level converter, e.g. <c>/dev/ttyUSB0</c>; required.</summary>
    public string DevicePath { get; set; } = string.Empty;

    /// <summary>Baud rate; 2400 by default, the rate nearly every meter ships with (EN 13757-2 allows 300 to 38400).</summary>
    public int BaudRate { get; set; } = 2400;

    /// <summary>Parity; even by default (EN 13757-2: 8 data bits, even parity, 1 stop bit).</summary>
    public Parity Parity { get; set; } = Parity.Even;

    /// <summary>Stop bits; one by default.</summary>
    public StopBits StopBits { get; set; } = StopBits.One;

    /// <summary>
    /// How long a meter has to start its reply. By default the EN 13757-2 limit: 330 bit times plus 50 ms
    /// (188 ms at 2400 baud), counted from the end of the request on the wire.
    /// </summary>
    public TimeSpan? ResponseTimeout { get; set; }

    /// <summary>Silence inside a reply after which it is taken as ended; by default 20 character times but at least 50 ms (USB converters deliver in bursts).</summary>
    public TimeSpan? InterCharacterTimeout { get; set; }

    /// <summary>Repeats of a request that got no valid reply; 2 by default, as EN 13757-2 recommends for the master.</summary>
    public int Retries { get; set; } = 2;

    /// <summary>The most telegrams read from one meter in one readout (a meter saying "more records follow" forever is cut off); 16 by default.</summary>
    public int MaxTelegrams { get; set; } = 16;

    /// <summary>The timeout after which a meter that has not started to answer is taken as silent.</summary>
    public TimeSpan EffectiveResponseTimeout => ResponseTimeout ?? (BitTimes(330) + TimeSpan.FromMilliseconds(50));

    /// <summary>The silence that ends a reply.</summary>
    public TimeSpan EffectiveInterCharacterTimeout
    {
        get
        {
            if (InterCharacterTimeout is { } configured)
            {
                return configured;
            }

            var twentyCharacters = BitTimes(20 * 11);
            return twentyCharacters > TimeSpan.FromMilliseconds(50) ? twentyCharacters : TimeSpan.FromMilliseconds(50);
        }
    }

    /// <summary>How long <paramref name="bytes"/> take on the wire (11 bits per character: start, 8 data, parity, stop).</summary>
    public TimeSpan WireTime(int bytes) => BitTimes(bytes * 11);

    private TimeSpan BitTimes(int bits) => TimeSpan.FromSeconds((double)bits / BaudRate);
}
