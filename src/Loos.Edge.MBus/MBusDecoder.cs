using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Loos.Edge.MBus;

/// <summary>Decodes wired M-Bus RSP_UD frames: EN 13757-2 link layer, EN 13757-3 application layer.</summary>
public static class MBusDecoder
{
    // EN 13757-3 "CI-field codes": the slave replies handled here.
    internal const byte CiApplicationError = 0x70;
    internal const byte CiVariableLong = 0x72;
    internal const byte CiFixed = 0x73;
    internal const byte CiVariableNone = 0x78;
    internal const byte CiVariableShort = 0x7A;

    // EN 13757-3, data record header: at most 10 DIFEs and 10 VIFEs per record.
    private const int MaximumExtensions = 10;

    /// <summary>Decodes one complete long frame.</summary>
    /// <exception cref="MBusFrameException">The frame fails a link-layer check, is not a reply with user data, or its user data is malformed.</exception>
    public static MBusTelegram Decode(ReadOnlySpan<byte> frame)
    {
        var parsed = MBusFrame.Parse(frame);
        if (parsed.Kind != MBusFrameKind.Long && !(parsed.Kind == MBusFrameKind.Control && parsed.ControlInformation == CiApplicationError))
        {
            throw new MBusFrameException($"a {parsed.Kind.ToString().ToLowerInvariant()} frame carries no user data", 0);
        }

        return DecodeApplicationLayer(frame, parsed);
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

    private static MBusTelegram DecodeApplicationLayer(ReadOnlySpan<byte> frame, MBusFrame parsed)
    {
        var start = parsed.DataOffset;
        var data = frame.Slice(start, parsed.DataLength);
        switch (parsed.ControlInformation)
        {
            case CiApplicationError:
                // EN 13757-3, application errors: one error byte; none means "unspecified error".
                return new MBusTelegram
                {
                    Control = parsed.Control,
                    Address = parsed.Address,
                    ControlInformation = parsed.ControlInformation,
                    ErrorCode = data.IsEmpty ? (byte)0 : data[0],
                };

            case CiFixed:
                return DecodeFixed(data, start, parsed);

            case CiVariableLong:
            {
                // EN 13757-3, variable data structure, long header: ID (4, BCD), manufacturer (2), version, medium, access number, status, signature (2).
                if (data.Length < 12)
                {
                    throw new MBusFrameException($"the 12-byte header ends after {data.Length} bytes", start + data.Length);
                }

                var records = DecodeRecords(data[12..], start + 12);
                return new MBusTelegram
                {
                    Control = parsed.Control,
                    Address = parsed.Address,
                    ControlInformation = parsed.ControlInformation,
                    Identification = Identification(data[..4]),
                    Manufacturer = Manufacturer(BinaryPrimitives.ReadUInt16LittleEndian(data[4..])),
                    Version = data[6],
                    MediumCode = data[7],
                    Medium = MBusTables.MediumName(data[7]),
                    AccessNumber = data[8],
                    Status = data[9],
                    Signature = BinaryPrimitives.ReadUInt16LittleEndian(data[10..]),
                    Records = records,
                };
            }

            case CiVariableShort:
            {
                // EN 13757-3, variable data structure, short header: access number, status, signature (2).
                if (data.Length < 4)
                {
                    throw new MBusFrameException($"the 4-byte header ends after {data.Length} bytes", start + data.Length);
                }

                return new MBusTelegram
                {
                    Control = parsed.Control,
                    Address = parsed.Address,
                    ControlInformation = parsed.ControlInformation,
                    AccessNumber = data[0],
                    Status = data[1],
                    Signature = BinaryPrimitives.ReadUInt16LittleEndian(data[2..]),
                    Records = DecodeRecords(data[4..], start + 4),
                };
            }

            case CiVariableNone:
                return new MBusTelegram
                {
                    Control = parsed.Control,
                    Address = parsed.Address,
                    ControlInformation = parsed.ControlInformation,
                    Records = DecodeRecords(data, start),
                };

            default:
                throw new MBusFrameException($"CI field 0x{parsed.ControlInformation:X2} is not a reply with user data (0x70, 0x72, 0x73, 0x78, 0x7A)", 6);
        }
    }

    private static MBusTelegram DecodeFixed(ReadOnlySpan<byte> data, int start, MBusFrame parsed)
    {
        // EN 13757-3 fixed data structure: ID (4, BCD), access number, status, medium/unit (2), counter 1 (4), counter 2 (4).
        if (data.Length < 16)
        {
            throw new MBusFrameException($"the 16-byte fixed data structure ends after {data.Length} bytes", start + data.Length);
        }

        var status = data[5];
        var medium = ((data[6] & 0xC0) >> 6) | ((data[7] & 0xC0) >> 4);

        // Status bit 7: counters in binary (1) or BCD (0).
        var binary = (status & 0x80) != 0;
        var records = new List<MBusRecord>(2);
        for (var counter = 0; counter < 2; counter++)
        {
            var meaning = MBusTables.FixedUnit(data[6 + counter] & 0x3F);
            var raw = data.Slice(8 + (counter * 4), 4);
            double? value = binary ? BinaryPrimitives.ReadUInt32LittleEndian(raw) : Bcd(raw, out _);
            records.Add(new MBusRecord
            {
                Function = MBusFunction.Actual,
                Quantity = meaning.Quantity,
                Unit = meaning.Unit,
                Value = value * meaning.Scale,
                Offset = start + 8 + (counter * 4),
            });
        }

        return new MBusTelegram
        {
            Control = parsed.Control,
            Address = parsed.Address,
            ControlInformation = parsed.ControlInformation,
            Identification = Identification(data[..4]),
            AccessNumber = data[4],
            Status = status,
            MediumCode = (byte)medium,
            Medium = MBusTables.FixedMediumName(medium),
            Records = records,
        };
    }

    private static List<MBusRecord> DecodeRecords(ReadOnlySpan<byte> data, int start)
    {
        var records = new List<MBusRecord>();
        var position = 0;
        while (position < data.Length)
        {
            var recordOffset = start + position;
            var dif = data[position++];

            // EN 13757-3 "Special functions" of the DIF.
            if (dif == 0x2F)
            {
                continue; // idle filler
            }

            if (dif is 0x0F or 0x1F)
            {
                records.Add(new MBusRecord
                {
                    Function = dif == 0x0F ? MBusFunction.ManufacturerSpecific : MBusFunction.MoreRecordsFollow,
                    Text = Convert.ToHexString(data[position..]),
                    Offset = recordOffset,
                });
                break;
            }

            if ((dif & 0x0F) == 0x0F)
            {
                throw new MBusFrameException($"DIF 0x{dif:X2} is a reserved special function", recordOffset);
            }

            var function = (MBusFunction)((dif >> 4) & 0x03);
            long storage = (dif >> 6) & 0x01;
            var tariff = 0;
            var subunit = 0;
            var difeCount = 0;
            var extended = (dif & 0x80) != 0;
            while (extended)
            {
                if (position >= data.Length)
                {
                    throw new MBusFrameException("the record ends inside its DIFEs", start + position);
                }

                if (difeCount == MaximumExtensions)
                {
                    throw new MBusFrameException("more than 10 DIFEs", start + position);
                }

                var dife = data[position++];

                // EN 13757-3 DIFE: bits 0–3 storage, 4–5 tariff, 6 subunit, 7 extension.
                storage |= (long)(dife & 0x0F) << (1 + (4 * difeCount));
                tariff |= ((dife >> 4) & 0x03) << (2 * difeCount);
                subunit |= ((dife >> 6) & 0x01) << difeCount;
                difeCount++;
                extended = (dife & 0x80) != 0;
            }

            if (position >= data.Length)
            {
                throw new MBusFrameException("the record ends before its VIF", start + position);
            }

            var vifOffset = start + position;
            var vif = data[position++];
            VifMeaning meaning;
            string? plainText = null;
            var vifeCount = 0;
            extended = (vif & 0x80) != 0;
            switch (vif)
            {
                case 0xFB or 0xFD:
                    if (position >= data.Length)
                    {
                        throw new MBusFrameException("the record ends inside its VIF extension", start + position);
                    }

                    var code = data[position++];
                    vifeCount++;
                    meaning = vif == 0xFD ? MBusTables.ExtensionFD(code & 0x7F) : MBusTables.ExtensionFB(code & 0x7F);
                    extended = (code & 0x80) != 0;
                    break;

                case 0x7C or 0xFC:
                    // EN 13757-3 plain-text VIF: a length and ASCII text, last character first, before any VIFE.
                    if (position >= data.Length)
                    {
                        throw new MBusFrameException("the record ends before the plain-text VIF length", start + position);
                    }

                    var textLength = data[position];
                    if (position + 1 + textLength > data.Length)
                    {
                        throw new MBusFrameException($"the plain-text VIF of {textLength} characters runs past the end", start + position);
                    }

                    plainText = ReversedText(data.Slice(position + 1, textLength));
                    position += 1 + textLength;
                    meaning = new VifMeaning(plainText, string.Empty, 1);
                    break;

                default:
                    meaning = MBusTables.Primary(vif & 0x7F);
                    break;
            }

            var scale = meaning.Scale;
            var manufacturerVif = (vif & 0x7F) == 0x7F;
            while (extended)
            {
                if (position >= data.Length)
                {
                    throw new MBusFrameException("the record ends inside its VIFEs", start + position);
                }

                if (vifeCount == MaximumExtensions)
                {
                    throw new MBusFrameException("more than 10 VIFEs", start + position);
                }

                var vife = data[position++];
                vifeCount++;
                extended = (vife & 0x80) != 0;
                if (!manufacturerVif)
                {
                    scale *= CorrectionFactor(vife & 0x7F);
                }
            }

            var value = DecodeValue(data, ref position, dif, start, vifOffset, meaning, scale);
            records.Add(new MBusRecord
            {
                Function = function,
                Storage = storage,
                Tariff = tariff,
                Subunit = subunit,
                DifeCount = difeCount,
                Quantity = meaning.Quantity,
                Unit = meaning.Unit,
                Value = value.Number,
                Text = value.Text,
                Offset = recordOffset,
            });
        }

        return records;
    }

    // EN 13757-3 "Combinable (orthogonal) VIFE-code extension table": E111 0nnn multiplicative correction 10^(nnn-6); E111 1101 factor 10^3.
    private static double CorrectionFactor(int vife) => vife switch
    {
        >= 0x70 and <= 0x77 => MBusTables.Pow10((vife & 0x07) - 6),
        0x7D => 1000,
        _ => 1,
    };

    private static (double? Number, string? Text) DecodeValue(ReadOnlySpan<byte> data, ref int position, byte dif, int start, int vifOffset, VifMeaning meaning, double scale)
    {
        // EN 13757-3 "Coding of the data field", DIF bits 0–3.
        var field = dif & 0x0F;
        int length = field switch
        {
            0x0 or 0x8 => 0,   // no data; selection for readout
            0x1 or 0x9 => 1,   // 8-bit integer; 2-digit BCD
            0x2 or 0xA => 2,   // 16-bit integer; 4-digit BCD
            0x3 or 0xB => 3,   // 24-bit integer; 6-digit BCD
            0x4 or 0x5 or 0xC => 4, // 32-bit integer; 32-bit real; 8-digit BCD
            0x6 or 0xE => 6,   // 48-bit integer; 12-digit BCD
            0x7 => 8,          // 64-bit integer
            _ => -1,           // 0xD: variable length
        };

        if (length < 0)
        {
            return DecodeVariable(data, ref position, start, scale);
        }

        if (position + length > data.Length)
        {
            throw new MBusFrameException($"the record's {length}-byte value runs past the end of the data", start + position);
        }

        var raw = data.Slice(position, length);
        position += length;
        if (length == 0)
        {
            return (null, null);
        }

        switch (meaning.Kind)
        {
            case VifKind.Date when length == 2:
                return (null, DateG(raw));
            case VifKind.DateTime when length == 4:
                // Type F: bit 7 of the minute byte flags the time as invalid; such a reading has no value.
                return (null, (raw[0] & 0x80) != 0 ? null : DateTimeF(raw));
            case VifKind.DateTime when length == 6:
                return (null, DateTimeI(raw));
        }

        switch (field)
        {
            case 0x5:
                return (BinaryPrimitives.ReadSingleLittleEndian(raw) * scale, null);
            case 0x9 or 0xA or 0xB or 0xC or 0xE:
                // EN 13757-3, BCD with hex codes: hex digits A–E in a BCD field are not a number (meters send them as error codes); kept as text.
                var bcd = Bcd(raw, out var valid);
                return valid ? (bcd * scale, null) : (null, ReversedHex(raw));
            default:
                return (SignedInteger(raw) * scale, null);
        }
    }

    private static (double? Number, string? Text) DecodeVariable(ReadOnlySpan<byte> data, ref int position, int start, double scale)
    {
        if (position >= data.Length)
        {
            throw new MBusFrameException("the record ends before the LVAR length", start + position);
        }

        int lvar = data[position];
        int length = lvar switch
        {
            <= 0xBF => lvar,                   // EN 13757-3 "Coding of LVAR": 8-bit text of LVAR characters
            <= 0xDF => lvar & 0x0F,            // positive (Cx) or negative (Dx) BCD, LVAR-C0h / LVAR-D0h bytes
            <= 0xEF => lvar - 0xE0,            // binary number of LVAR-E0h bytes
            <= 0xF4 => 4 * (lvar - 0xEC),      // binary number of 4*(LVAR-ECh) bytes
            0xF5 => 48,
            0xF6 => 64,
            _ => -1,
        };

        if (length < 0)
        {
            throw new MBusFrameException($"LVAR 0x{lvar:X2} is reserved", start + position);
        }

        if (position + 1 + length > data.Length)
        {
            throw new MBusFrameException($"the {length}-byte variable-length value runs past the end of the data", start + position);
        }

        var raw = data.Slice(position + 1, length);
        position += 1 + length;
        if (lvar <= 0xBF)
        {
            return (null, ReversedText(raw));
        }

        if (lvar <= 0xDF)
        {
            var bcd = Bcd(raw, out var valid);
            return valid ? ((lvar >= 0xD0 ? -bcd : bcd) * scale, null) : (null, ReversedHex(raw));
        }

        if (length <= 8)
        {
            return (SignedInteger(raw) * scale, null);
        }

        // Longer binary numbers are kept as hex, most significant byte first.
        return (null, ReversedHex(raw));
    }

    private static string ReversedHex(ReadOnlySpan<byte> raw)
    {
        Span<byte> reversed = stackalloc byte[raw.Length];
        raw.CopyTo(reversed);
        reversed.Reverse();
        return Convert.ToHexString(reversed);
    }

    /// <summary>Type B: signed little-endian integer of 1 to 8 bytes.</summary>
    private static long SignedInteger(ReadOnlySpan<byte> raw)
    {
        long value = 0;
        for (var index = raw.Length - 1; index >= 0; index--)
        {
            value = (value << 8) | raw[index];
        }

        var unused = 64 - (8 * raw.Length);
        return unused == 0 ? value : (value << unused) >> unused;
    }

    /// <summary>Type A: BCD, least significant byte first; 0xF in the top nibble means negative (EN 13757-3, BCD with hex codes).</summary>
    internal static double Bcd(ReadOnlySpan<byte> raw, out bool valid)
    {
        valid = true;
        long value = 0;
        var negative = false;
        for (var index = raw.Length - 1; index >= 0; index--)
        {
            var high = raw[index] >> 4;
            var low = raw[index] & 0x0F;
            if (index == raw.Length - 1 && high == 0xF)
            {
                negative = true;
                high = 0;
            }

            if (high > 9 || low > 9)
            {
                valid = false;
                return 0;
            }

            value = (value * 100) + (high * 10) + low;
        }

        return negative ? -value : value;
    }

    /// <summary>Type G date: day bits 0–4, month in the second byte's low nibble, year split over both high parts.</summary>
    private static string DateG(ReadOnlySpan<byte> raw)
    {
        var day = raw[0] & 0x1F;
        var month = raw[1] & 0x0F;
        var year = ((raw[0] & 0xE0) >> 5) | ((raw[1] & 0xF0) >> 1);
        return string.Create(CultureInfo.InvariantCulture, $"{Century(year):D4}-{month:D2}-{day:D2}");
    }

    /// <summary>Type F date and time: minute, hour, then a type G date.</summary>
    private static string DateTimeF(ReadOnlySpan<byte> raw)
    {
        var minute = raw[0] & 0x3F;
        var hour = raw[1] & 0x1F;
        var day = raw[2] & 0x1F;
        var month = raw[3] & 0x0F;
        var year = ((raw[2] & 0xE0) >> 5) | ((raw[3] & 0xF0) >> 1);
        return string.Create(CultureInfo.InvariantCulture, $"{Century(year):D4}-{month:D2}-{day:D2}T{hour:D2}:{minute:D2}:00");
    }

    /// <summary>Type I date and time: second, then a type F date and time.</summary>
    private static string DateTimeI(ReadOnlySpan<byte> raw)
    {
        var second = raw[0] & 0x3F;
        var minute = raw[1] & 0x3F;
        var hour = raw[2] & 0x1F;
        var day = raw[3] & 0x1F;
        var month = raw[4] & 0x0F;
        var year = ((raw[3] & 0xE0) >> 5) | ((raw[4] & 0xF0) >> 1);
        return string.Create(CultureInfo.InvariantCulture, $"{Century(year):D4}-{month:D2}-{day:D2}T{hour:D2}:{minute:D2}:{second:D2}");
    }

    // A two-digit year: 00–80 is 2000–2080, 81–99 is 1981–1999 (the convention of meters without the century bits).
    private static int Century(int year) => year <= 80 ? 2000 + year : 1900 + year;

    private static string ReversedText(ReadOnlySpan<byte> raw)
    {
        Span<char> text = stackalloc char[raw.Length];
        for (var index = 0; index < raw.Length; index++)
        {
            text[index] = (char)raw[raw.Length - 1 - index];
        }

        return new string(text);
    }

    /// <summary>The identification number: 8 BCD digits, most significant first (hex digits where a nibble is above 9).</summary>
    private static string Identification(ReadOnlySpan<byte> raw)
    {
        Span<byte> reversed = stackalloc byte[4];
        raw[..4].CopyTo(reversed);
        reversed.Reverse();
        return Convert.ToHexString(reversed);
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
}
