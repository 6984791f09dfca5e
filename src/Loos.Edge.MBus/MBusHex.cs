namespace Loos.Edge.MBus;

/// <summary>Frames written as hex text: pairs separated by spaces or not, any case, any line endings.</summary>
public static class MBusHex
{
    /// <summary>Parses <paramref name="text"/> into bytes; false with the <paramref name="problem"/> when a token is not hex.</summary>
    public static bool TryParse(string text, out byte[] bytes, out string problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        var digits = new List<byte>(text.Length / 2);
        problem = string.Empty;
        bytes = [];
        var high = -1;
        foreach (var character in text)
        {
            if (char.IsWhiteSpace(character))
            {
                if (high >= 0)
                {
                    problem = "a hex byte has only one digit";
                    return false;
                }

                continue;
            }

            var nibble = HexValue(character);
            if (nibble < 0)
            {
                problem = $"'{character}' is not a hex digit";
                return false;
            }

            if (high < 0)
            {
                high = nibble;
            }
            else
            {
                digits.Add((byte)((high << 4) | nibble));
                high = -1;
            }
        }

        if (high >= 0)
        {
            problem = "a hex byte has only one digit";
            return false;
        }

        bytes = [.. digits];
        return true;
    }

    private static int HexValue(char character) => character switch
    {
        >= '0' and <= '9' => character - '0',
        >= 'a' and <= 'f' => character - 'a' + 10,
        >= 'A' and <= 'F' => character - 'A' + 10,
        _ => -1,
    };
}
