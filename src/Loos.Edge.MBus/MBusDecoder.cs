using System.Buffers.Binary;

namespace Loos.Edge.MBus;

/// <summary>
/// Decodes wired M-Bus RSP_UD frames: EN 13757-2 link layer, EN 13757-3 application layer (the headers here, the data
/// records in <see cref="MBusRecordDecoder"/>, the data types in <see cref="MBusDataTypes"/>).
/// </summary>
public static class MBusDecoder
{
    /// <summary>Decodes one complete long frame into a new telegram (a new object and strings each time).</summary>
    /// <exception cref="MBusFrameException">The frame fails a link-layer check, is not a reply with user data, or its user data is malformed.</exception>
    public static MBusTelegram Decode(ReadOnlySpan<byte> frame)
    {
        var buffer = new MBusRecordBuffer(recordCapacity: 16);
        var header = Decode(frame, buffer);
        return MBusTelegram.From(header, buffer.Records);
    }

    /// <summary>Decodes one frame; a rejected frame gives false and the <paramref name="error"/>, never an exception.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> frame, out MBusTelegram? telegram, out MBusFrameException? error)
    {
        try
        {
            telegram = Decode(frame);
            error = null;
            return true;
        }
        catch (MBusFrameException exception)
        {
            telegram = null;
            error = exception;
            return false;
        }
    }

    /// <summary>
    /// Decodes one complete long frame and adds it to <paramref name="buffer"/> as its next telegram; allocates nothing
    /// once the buffer has grown to the readout. A rejected frame leaves the buffer as it was.
    /// </summary>
    /// <returns>The telegram's header.</returns>
    /// <exception cref="MBusFrameException">The frame fails a link-layer check, is not a reply with user data, or its user data is malformed.</exception>
    public static MBusTelegramHeader Decode(ReadOnlySpan<byte> frame, MBusRecordBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var parsed = MBusFrame.Parse(frame);
        if (parsed.Kind != MBusFrameKind.Long && !(parsed.Kind == MBusFrameKind.Control && parsed.ControlInformation == (byte)ControlInformation.ApplicationError))
        {
            throw new MBusFrameException($"a {parsed.Kind.ToString().ToLowerInvariant()} frame carries no user data", 0);
        }

        var mark = buffer.Mark();
        try
        {
            return DecodeApplicationLayer(frame, parsed, buffer);
        }
        catch (MBusFrameException)
        {
            buffer.ResetTo(mark);
            throw;
        }
    }

    /// <summary>Decodes one frame into <paramref name="buffer"/>; a rejected frame gives false and the <paramref name="error"/>, never an exception.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> frame, MBusRecordBuffer buffer, out MBusFrameException? error)
    {
        try
        {
            Decode(frame, buffer);
            error = null;
            return true;
        }
        catch (MBusFrameException exception)
        {
            error = exception;
            return false;
        }
    }

    private static MBusTelegramHeader DecodeApplicationLayer(ReadOnlySpan<byte> frame, MBusFrame parsed, MBusRecordBuffer buffer)
    {
        var start = parsed.DataOffset;
        var data = frame.Slice(start, parsed.DataLength);
        var link = new MBusTelegramHeader { Control = parsed.Control, Address = parsed.Address, ControlInformation = parsed.ControlInformation };
        MBusTelegramHeader header;
        switch ((ControlInformation)parsed.ControlInformation)
        {
            case ControlInformation.ApplicationError:
                // EN 13757-3, application errors: one error byte; none means "unspecified error".
                header = link with { ErrorCode = data.IsEmpty ? (byte)0 : data[0] };
                buffer.AddTelegram(header);
                return header;

            case ControlInformation.Fixed:
                return DecodeFixed(data, start, link, buffer);

            case ControlInformation.VariableLong:
                // EN 13757-3, variable data structure, long header: ID (4, BCD), manufacturer (2), version, medium, access number, status, signature (2).
                if (data.Length < 12)
                {
                    throw new MBusFrameException($"the 12-byte header ends after {data.Length} bytes", start + data.Length);
                }

                header = link with
                {
                    IdentificationNumber = BinaryPrimitives.ReadUInt32LittleEndian(data),
                    ManufacturerCode = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]),
                    Version = data[6],
                    MediumCode = data[7],
                    Medium = MBusTables.MediumName(data[7]),
                    AccessNumber = data[8],
                    Status = data[9],
                    Signature = BinaryPrimitives.ReadUInt16LittleEndian(data[10..]),
                };
                buffer.AddTelegram(header);
                MBusRecordDecoder.Decode(data[12..], start + 12, buffer);
                return header;

            case ControlInformation.VariableShort:
                // EN 13757-3, variable data structure, short header: access number, status, signature (2).
                if (data.Length < 4)
                {
                    throw new MBusFrameException($"the 4-byte header ends after {data.Length} bytes", start + data.Length);
                }

                header = link with { AccessNumber = data[0], Status = data[1], Signature = BinaryPrimitives.ReadUInt16LittleEndian(data[2..]) };
                buffer.AddTelegram(header);
                MBusRecordDecoder.Decode(data[4..], start + 4, buffer);
                return header;

            case ControlInformation.VariableNone:
                buffer.AddTelegram(link);
                MBusRecordDecoder.Decode(data, start, buffer);
                return link;

            default:
                throw new MBusFrameException($"CI field 0x{parsed.ControlInformation:X2} is not a reply with user data (0x70, 0x72, 0x73, 0x78, 0x7A)", 6);
        }
    }

    private static MBusTelegramHeader DecodeFixed(ReadOnlySpan<byte> data, int start, MBusTelegramHeader link, MBusRecordBuffer buffer)
    {
        // EN 13757-3 fixed data structure: ID (4, BCD), access number, status, medium/unit (2), counter 1 (4), counter 2 (4).
        if (data.Length < 16)
        {
            throw new MBusFrameException($"the 16-byte fixed data structure ends after {data.Length} bytes", start + data.Length);
        }

        var status = data[5];
        var medium = ((data[6] & 0xC0) >> 6) | ((data[7] & 0xC0) >> 4);
        var header = link with
        {
            IdentificationNumber = BinaryPrimitives.ReadUInt32LittleEndian(data),
            AccessNumber = data[4],
            Status = status,
            MediumCode = (byte)medium,
            Medium = MBusTables.FixedMediumName(medium),
        };
        buffer.AddTelegram(header);

        // Status bit 7: counters in binary (1) or BCD (0).
        var binary = (status & 0x80) != 0;
        for (var counter = 0; counter < 2; counter++)
        {
            var meaning = MBusTables.FixedUnit(data[6 + counter] & 0x3F);
            var raw = data.Slice(8 + (counter * 4), 4);
            double? value = binary ? BinaryPrimitives.ReadUInt32LittleEndian(raw) : MBusDataTypes.Bcd(raw, out _);
            buffer.Add(new MBusRecord
            {
                Function = MBusFunction.Actual,
                Quantity = meaning.Quantity,
                Unit = meaning.Unit,
                Value = value * meaning.Scale,
                Offset = start + 8 + (counter * 4),
            });
        }

        return header;
    }

    /// <summary>EN 13757-3 manufacturer field (FLAG code): three letters of 5 bits each, 'A' = 1.</summary>
    internal static string Manufacturer(ushort code) => string.Create(3, code, static (letters, value) =>
    {
        letters[0] = (char)(((value >> 10) & 0x1F) + 64);
        letters[1] = (char)(((value >> 5) & 0x1F) + 64);
        letters[2] = (char)((value & 0x1F) + 64);
    });

    /// <summary>The manufacturer field of three letters A–Z, the inverse of <see cref="Manufacturer"/>.</summary>
    internal static ushort ManufacturerCode(string letters) =>
        (ushort)(((letters[0] - 64) << 10) | ((letters[1] - 64) << 5) | (letters[2] - 64));

    /// <summary>EN 13757-3 "CI-field codes": the slave replies handled here.</summary>
    private enum ControlInformation : byte
    {
        ApplicationError = 0x70,
        VariableLong = 0x72,
        Fixed = 0x73,
        VariableNone = 0x78,
        VariableShort = 0x7A,
    }
}
