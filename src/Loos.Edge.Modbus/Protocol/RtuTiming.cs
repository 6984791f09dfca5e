namespace Loos.Edge.Modbus.Protocol;

/// <summary>Character times on an RTU line (Modbus over Serial Line v1.02 §2.5.1.1).</summary>
internal static class RtuTiming
{
    /// <summary>Bits per character: start, 8 data, parity or a second stop bit, stop — always 11 in RTU mode (§2.5.1).</summary>
    public const int BitsPerCharacter = 11;

    /// <summary>Above this baud rate the silent intervals are fixed (§2.5.1.1).</summary>
    public const int FixedTimingAboveBaudRate = 19200;

    /// <summary>The time one character takes on the wire.</summary>
    public static TimeSpan CharacterTime(int baudRate) => TimeSpan.FromSeconds((double)BitsPerCharacter / baudRate);

    /// <summary>t3.5, the silence that separates frames; 1.75 ms above 19200 baud (§2.5.1.1).</summary>
    public static TimeSpan InterFrameDelay(int baudRate) =>
        baudRate > FixedTimingAboveBaudRate ? TimeSpan.FromMicroseconds(1750) : CharacterTime(baudRate) * 3.5;

    /// <summary>t1.5, the longest silence allowed inside a frame; 750 µs above 19200 baud (§2.5.1.1).</summary>
    public static TimeSpan InterCharacterTimeout(int baudRate) =>
        baudRate > FixedTimingAboveBaudRate ? TimeSpan.FromMicroseconds(750) : CharacterTime(baudRate) * 1.5;

    /// <summary>The wire time of <paramref name="bytes"/> characters.</summary>
    public static TimeSpan WireTime(int bytes, int baudRate) => CharacterTime(baudRate) * bytes;
}
