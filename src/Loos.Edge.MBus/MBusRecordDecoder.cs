using System.Buffers.Binary;
using static Loos.Edge.MBus.MBusDataTypes;

namespace Loos.Edge.MBus;

/// <summary>The data records of a variable data structure (EN 13757-3): DIF, DIFEs, VIF, VIFEs and the value.</summary>
internal static class MBusRecordDecoder
{
    // EN 13757-3, data record header: at most 10 DIFEs and 10 VIFEs per record.
    private const int MaximumExtensions = 10;

    /// <summary>Decodes the data records of <paramref name="data"/>, which starts at byte <paramref name="start"/> of the frame, into <paramref name="buffer"/>.</summary>
    /// <exception cref="MBusFrameException">A record is malformed; the offset is counted from the first byte of the frame.</exception>
    public static void Decode(ReadOnlySpan<byte> data, int start, MBusRecordBuffer buffer)
    {
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
                buffer.Add(new MBusRecord
                {
                    Function = dif == 0x0F ? MBusFunction.ManufacturerSpecific : MBusFunction.MoreRecordsFollow,
                    TextKind = MBusTextKind.Hex,
                    RawText = buffer.Keep(data[position..]),
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

            var vif = data[position++];
            VifMeaning meaning;
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

                    meaning = new VifMeaning(buffer.PlainTextQuantity(data.Slice(position + 1, textLength)), string.Empty, 1);
                    position += 1 + textLength;
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

            var value = DecodeValue(data, ref position, dif, start, meaning, scale, out var textKind, out var textBytes);
            buffer.Add(new MBusRecord
            {
                Function = function,
                Storage = storage,
                Tariff = tariff,
                Subunit = subunit,
                DifeCount = difeCount,
                Quantity = meaning.Quantity,
                Unit = meaning.Unit,
                Value = value,
                TextKind = textKind,
                RawText = textKind == MBusTextKind.None ? ReadOnlyMemory<byte>.Empty : buffer.Keep(data.Slice(textBytes.Start, textBytes.Length)),
                Offset = recordOffset,
            });
        }
    }

    // EN 13757-3 "Combinable (orthogonal) VIFE-code extension table": E111 0nnn multiplicative correction 10^(nnn-6); E111 1101 factor 10^3.
    private static double CorrectionFactor(int vife) => vife switch
    {
        >= 0x70 and <= 0x77 => MBusTables.Pow10((vife & 0x07) - 6),
        0x7D => 1000,
        _ => 1,
    };

    /// <summary>The value of a record: a number, or the kind of text and where its bytes are in <paramref name="data"/>.</summary>
    private static double? DecodeValue(ReadOnlySpan<byte> data, ref int position, byte dif, int start, VifMeaning meaning, double scale, out MBusTextKind textKind, out (int Start, int Length) textBytes)
    {
        textKind = MBusTextKind.None;
        textBytes = default;

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
            return DecodeVariable(data, ref position, start, scale, out textKind, out textBytes);
        }

        if (position + length > data.Length)
        {
            throw new MBusFrameException($"the record's {length}-byte value runs past the end of the data", start + position);
        }

        var raw = data.Slice(position, length);
        var rawStart = position;
        position += length;
        if (length == 0)
        {
            return null;
        }

        switch (meaning.Kind, length)
        {
            case (VifKind.Date, 2):
                textKind = MBusTextKind.Date;
                textBytes = (rawStart, length);
                return null;
            case (VifKind.DateTime, 4):
                // Type F: bit 7 of the minute byte flags the time as invalid; such a reading has no value.
                textKind = (raw[0] & 0x80) != 0 ? MBusTextKind.None : MBusTextKind.DateTime;
                textBytes = (rawStart, length);
                return null;
            case (VifKind.DateTime, 6):
                textKind = MBusTextKind.DateTimeWithSeconds;
                textBytes = (rawStart, length);
                return null;
        }

        switch (field)
        {
            case 0x5:
                return BinaryPrimitives.ReadSingleLittleEndian(raw) * scale;
            case 0x9 or 0xA or 0xB or 0xC or 0xE:
                // EN 13757-3, BCD with hex codes: hex digits A–E in a BCD field are not a number (meters send them as error codes); kept as text.
                var bcd = Bcd(raw, out var valid);
                if (valid)
                {
                    return bcd * scale;
                }

                textKind = MBusTextKind.ReversedHex;
                textBytes = (rawStart, length);
                return null;
            default:
                return SignedInteger(raw) * scale;
        }
    }

    private static double? DecodeVariable(ReadOnlySpan<byte> data, ref int position, int start, double scale, out MBusTextKind textKind, out (int Start, int Length) textBytes)
    {
        textKind = MBusTextKind.None;
        textBytes = default;
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
        textBytes = (position + 1, length);
        position += 1 + length;
        if (lvar <= 0xBF)
        {
            textKind = MBusTextKind.ReversedText;
            return null;
        }

        if (lvar <= 0xDF)
        {
            var bcd = Bcd(raw, out var valid);
            if (valid)
            {
                return (lvar >= 0xD0 ? -bcd : bcd) * scale;
            }

            textKind = MBusTextKind.ReversedHex;
            return null;
        }

        if (length <= 8)
        {
            return SignedInteger(raw) * scale;
        }

        // Longer binary numbers are kept as hex, most significant byte first.
        textKind = MBusTextKind.ReversedHex;
        return null;
    }
}
