namespace Loos.Edge.MBus;

/// <summary>The EN 13757-2 frame formats.</summary>
public enum MBusFrameKind
{
    /// <summary>The single character 0xE5 (acknowledgement).</summary>
    SingleCharacter,

    /// <summary>10 C A CS 16.</summary>
    Short,

    /// <summary>68 L L 68 C A CI CS 16 with L = 3 (no user data).</summary>
    Control,

    /// <summary>68 L L 68 C A CI data CS 16.</summary>
    Long,
}

/// <summary>A frame that passed the EN 13757-2 link-layer checks; the user data is a range of the frame.</summary>
/// <param name="Kind">The frame format.</param>
/// <param name="Control">The C field (0 for a single character).</param>
/// <param name="Address">The A field (0 for a single character).</param>
/// <param name="ControlInformation">The CI field of control and long frames, else 0.</param>
/// <param name="DataOffset">Offset of the first byte after CI.</param>
/// <param name="DataLength">Bytes of user data after CI, before the checksum.</param>
public readonly record struct MBusFrame(MBusFrameKind Kind, byte Control, byte Address, byte ControlInformation, int DataOffset, int DataLength)
{
    // EN 13757-2 frame formats: start characters, stop character and the single character.
    internal const byte SingleCharacterByte = 0xE5;
    internal const byte ShortStart = 0x10;
    internal const byte LongStart = 0x68;
    internal const byte Stop = 0x16;

    /// <summary>Parses one frame that fills <paramref name="frame"/> exactly.</summary>
    /// <exception cref="MBusFrameException">The frame fails a length, start, checksum or stop-byte check.</exception>
    public static MBusFrame Parse(ReadOnlySpan<byte> frame)
    {
        if (!TryParse(frame, out var parsed, out var reason, out var offset))
        {
            throw new MBusFrameException(reason, offset);
        }

        return parsed;
    }

    /// <summary>Parses one frame; a failed check is returned as <paramref name="reason"/> and <paramref name="offset"/>, never thrown.</summary>
    public static bool TryParse(ReadOnlySpan<byte> frame, out MBusFrame parsed, out string reason, out int offset)
    {
        parsed = default;
        reason = string.Empty;
        offset = 0;
        if (frame.IsEmpty)
        {
            return Fail("empty frame", 0, out reason, out offset);
        }

        switch (frame[0])
        {
            case SingleCharacterByte:
                if (frame.Length != 1)
                {
                    return Fail("bytes after the single character 0xE5", 1, out reason, out offset);
                }

                parsed = new MBusFrame(MBusFrameKind.SingleCharacter, 0, 0, 0, 1, 0);
                return true;

            case ShortStart:
                // EN 13757-2 short frame: 10 C A CS 16, five bytes.
                if (frame.Length < 5)
                {
                    return Fail("short frame shorter than 5 bytes", frame.Length, out reason, out offset);
                }

                if (frame.Length > 5)
                {
                    return Fail("bytes after the short frame", 5, out reason, out offset);
                }

                if ((byte)(frame[1] + frame[2]) != frame[3])
                {
                    return Fail("checksum mismatch", 3, out reason, out offset);
                }

                if (frame[4] != Stop)
                {
                    return Fail("stop byte is not 0x16", 4, out reason, out offset);
                }

                parsed = new MBusFrame(MBusFrameKind.Short, frame[1], frame[2], 0, 5, 0);
                return true;

            case LongStart:
                return TryParseLong(frame, out parsed, out reason, out offset);

            default:
                return Fail($"start byte 0x{frame[0]:X2} is not 0x68, 0x10 or 0xE5", 0, out reason, out offset);
        }
    }

    private static bool TryParseLong(ReadOnlySpan<byte> frame, out MBusFrame parsed, out string reason, out int offset)
    {
        parsed = default;
        if (frame.Length < 4)
        {
            return Fail("frame ends inside the long-frame header", frame.Length, out reason, out offset);
        }

        int length = frame[1];
        if (frame[2] != length)
        {
            return Fail("the two length bytes differ", 2, out reason, out offset);
        }

        if (frame[3] != LongStart)
        {
            return Fail("second start byte is not 0x68", 3, out reason, out offset);
        }

        // L counts C, A, CI and the user data, so at least 3 (EN 13757-2 control frame).
        if (length < 3)
        {
            return Fail($"length {length} is below 3 (C, A and CI)", 1, out reason, out offset);
        }

        if (frame.Length < length + 6)
        {
            return Fail($"frame ends after {frame.Length} bytes; the length byte announces {length + 6}", frame.Length, out reason, out offset);
        }

        if (frame.Length > length + 6)
        {
            return Fail("bytes after the stop byte", length + 6, out reason, out offset);
        }

        byte sum = 0;
        foreach (var value in frame.Slice(4, length))
        {
            sum += value;
        }

        if (sum != frame[length + 4])
        {
            return Fail($"checksum mismatch: 0x{frame[length + 4]:X2} sent, 0x{sum:X2} computed", length + 4, out reason, out offset);
        }

        if (frame[length + 5] != Stop)
        {
            return Fail("stop byte is not 0x16", length + 5, out reason, out offset);
        }

        parsed = new MBusFrame(length == 3 ? MBusFrameKind.Control : MBusFrameKind.Long, frame[4], frame[5], frame[6], 7, length - 3);
        reason = string.Empty;
        offset = 0;
        return true;
    }

    private static bool Fail(string why, int at, out string reason, out int offset)
    {
        reason = why;
        offset = at;
        return false;
    }
}
