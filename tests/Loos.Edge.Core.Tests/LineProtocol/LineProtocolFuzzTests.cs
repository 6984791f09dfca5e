using System.Diagnostics;
using System.Globalization;
using System.Text;
using Loos.Edge.Core.LineProtocol;
using Xunit.Abstractions;

namespace Loos.Edge.Core.Tests.LineProtocol;

/// <summary>
/// Mutated line-protocol bodies (bit flips, inserted and deleted bytes, truncation, splicing, escape characters, huge
/// numbers and names): the parser answers each with readings or a <see cref="LineProtocolError"/> naming a line and
/// column of the body, never with an exception or a hang. LOOS_EDGE_FUZZ_INPUTS sets the number of inputs (default
/// 100 000; 1 000 000 for the full run).
/// </summary>
public sealed class LineProtocolFuzzTests(ITestOutputHelper output)
{
    private const int DefaultInputs = 100_000;

    // A hang shows as this run never finishing; a million inputs take well under it on a Raspberry Pi.
    private static readonly TimeSpan HangLimit = TimeSpan.FromMinutes(15);

    private static readonly string[] Seeds =
    [
        "power,building=school,meter=pv1 active=1520.5,reactive=-12i 1700000000000000000\n",
        "heat,home=A12 energy=123456u,flow=0.25,on=true 1700000000\nheat,home=A13 energy=1i 1700000060\n",
        "# a comment\n\nlamp,street=Rue\\ Jean\\ Jaurès,controller=L-07 on=f,level=0.8 1700000000123456789\r\n",
        "my\\ meas\\,ure,t\\ k\\=y\\,=v\\ a\\=l\\,ue f\\ i\\=e\\,ld=1e3,x=-1.25E-2\n",
        "m v=1\nm v=2 -1\nm,t=a\\\\ v=.5 0\n",
        "outdoor temperature=-3.25\nm,t=a\\b v=3. 9223372036854775806\n",
        "m=x,t=é v=1 1\n  m v=TRUE 2\t\nm v=False 3",
    ];

    private static readonly string[] Fragments =
    [
        "\\", ",", "=", " ", "\"", "\n", "\r", "\t", "#", "\\\n", "i", "u", "e", "-", ".", "\\ ", "\\,", "\\=", "\\\"",
        "99999999999999999999999999", "-9223372036854775808", "9223372036854775807", "1e400", "NaN", "Infinity",
        "9007199254740993i", "18446744073709551616u", "t", "true", "\u00e9", "\uFFFD", "time", "_field",
    ];

    private static readonly byte[] Invalid = [0xFF, 0xC3, 0x80, 0xE2, 0x82, 0x00];

    [Fact]
    public async Task TryParse_MutatedBodies_GiveReadingsOrALineProtocolErrorAndNeverThrowOrHang()
    {
        var inputs = Environment.GetEnvironmentVariable("LOOS_EDGE_FUZZ_INPUTS") is { Length: > 0 } text
            ? int.Parse(text, CultureInfo.InvariantCulture)
            : DefaultInputs;
        var stopwatch = Stopwatch.StartNew();
        var run = Task.Run(() => Fuzz(inputs));
        var (accepted, refused) = await run.WaitAsync(HangLimit);
        stopwatch.Stop();

        output.WriteLine($"{inputs} inputs: {accepted} accepted, {refused} refused in {stopwatch.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(inputs, accepted + refused);
        Assert.True(accepted > inputs / 20, $"only {accepted} bodies accepted: the mutations do not reach the value and timestamp parsers");
        Assert.True(refused > inputs / 20, $"only {refused} bodies refused");
    }

    private static (int Accepted, int Refused) Fuzz(int inputs)
    {
        var random = new Random(2026);
        var seeds = Seeds.Select(Encoding.UTF8.GetBytes).ToArray();
        var readings = new List<Reading>();
        var accepted = 0;
        var refused = 0;
        LineProtocolParser? parser = null;
        for (var index = 0; index < inputs; index++)
        {
            // A fresh catalogue now and then: mutated names would otherwise fill one with a million series.
            if (index % 10_000 == 0)
            {
                parser = new LineProtocolParser(new SeriesCatalog());
            }

            var body = Mutate(seeds, random);
            var precision = (LineProtocolPrecision)random.Next(6);
            readings.Clear();
            readings.Add(default);
            bool ok;
            LineProtocolError? error;
            try
            {
                ok = parser!.TryParse(body, precision, DateTimeOffset.UnixEpoch, readings, out error);
            }
            catch (Exception exception)
            {
                throw new InvalidOperationException($"Input {index} threw: {Convert.ToBase64String(body)}", exception);
            }

            if (ok)
            {
                accepted++;
                Assert.Null(error);
                continue;
            }

            refused++;
            var lines = body.Count((byte)'\n') + 1;
            if (error is null || error.Line < 1 || error.Line > lines || error.Column < 1 || error.Reason.Length == 0 || readings.Count != 1)
            {
                throw new InvalidOperationException($"Input {index} was refused without a proper error ({error}): {Convert.ToBase64String(body)}");
            }
        }

        return (accepted, refused);
    }

    private static byte[] Mutate(byte[][] seeds, Random random)
    {
        var body = new List<byte>(seeds[random.Next(seeds.Length)]);
        var mutations = random.Next(0, 4);
        for (var mutation = 0; mutation < mutations; mutation++)
        {
            var at = random.Next(body.Count + 1);
            switch (random.Next(8))
            {
                case 0 when body.Count > 0:
                    body[Math.Min(at, body.Count - 1)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    body.Insert(at, (byte)random.Next(256));
                    break;
                case 2 when body.Count > 0:
                    body.RemoveRange(Math.Min(at, body.Count - 1), Math.Min(random.Next(1, 8), body.Count - Math.Min(at, body.Count - 1)));
                    break;
                case 3:
                    body.RemoveRange(at, body.Count - at);
                    break;
                case 4:
                    var other = seeds[random.Next(seeds.Length)];
                    body.RemoveRange(at, body.Count - at);
                    body.AddRange(other.AsSpan(random.Next(other.Length)).ToArray());
                    break;
                case 5:
                    body.InsertRange(at, Encoding.UTF8.GetBytes(Fragments[random.Next(Fragments.Length)]));
                    break;
                case 6:
                    body.Insert(at, Invalid[random.Next(Invalid.Length)]);
                    break;
                default:
                    // Now and then a name or value far beyond every limit.
                    var length = random.Next(100) == 0 ? 70_000 : random.Next(1, 40);
                    body.InsertRange(at, Enumerable.Repeat((byte)(random.Next(2) == 0 ? '9' : 'a'), length));
                    break;
            }
        }

        return [.. body];
    }
}
