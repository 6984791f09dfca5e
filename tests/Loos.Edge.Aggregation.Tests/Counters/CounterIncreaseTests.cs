using Loos.Edge.Aggregation.Counters;

namespace Loos.Edge.Aggregation.Tests.Counters;

public sealed class CounterIncreaseTests
{
    private const double WrapsAt = 100_000;
    private const double Jitter = 0.01;

    /// <summary>
    /// Random meters with resets, rollovers, declared replacements, jitter and duplicated readings, delivered in a
    /// random order: once sorted by time, the increases are never negative and add up to the true consumption.
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void Compute_RandomMeterHistories_SumEqualsTrueConsumptionAndNoneNegative(int seed)
    {
        var random = new Random(seed);
        var history = MeterHistory.Generate(random, readings: 2_000);
        var order = Enumerable.Range(0, history.Ticks.Count).OrderBy(_ => random.Next()).ToArray();
        var ticks = order.Select(i => history.Ticks[i]).ToArray();
        var values = order.Select(i => history.Values[i]).ToArray();

        Array.Sort(ticks, values);
        var increases = new double[values.Length];
        CounterIncrease.Compute(ticks, values, history.Rules, increases);

        Assert.All(increases, increase => Assert.True(increase >= 0, $"negative increase {increase}"));
        Assert.Equal(history.TrueConsumption, increases.Sum(), 6);
    }

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 50)];

    [Fact]
    public void Between_UndeclaredNewMeter_CountsNothingRatherThanASpikeOrANegative()
    {
        var increase = CounterIncrease.Between(48_210.5, 12.0 + 5_000, CounterRules.Default, out var baseline, out var what);

        Assert.Equal(0, increase);
        Assert.Equal(5_012, baseline);
        Assert.Equal(CounterEvent.Replacement, what);
    }

    [Fact]
    public void Between_Rollover_CountsAcrossTheWrap()
    {
        var rules = new CounterRules { WrapsAt = 65_536 };

        var increase = CounterIncrease.Between(65_530, 4, rules, out _, out var what);

        Assert.Equal(10, increase);
        Assert.Equal(CounterEvent.Rollover, what);
    }

    [Fact]
    public void Between_ResetToZero_CountsWhatWasConsumedSince()
    {
        var increase = CounterIncrease.Between(48_210.5, 3.5, CounterRules.Default, out _, out var what);

        Assert.Equal(3.5, increase);
        Assert.Equal(CounterEvent.Reset, what);
    }

    [Fact]
    public void Compute_JitterDown_ThenBackUp_CountsNoSpike()
    {
        var rules = new CounterRules { JitterTolerance = 0.01 };
        double[] values = [100, 99.995, 100.5];
        var increases = new double[3];

        CounterIncrease.Compute([1, 2, 3], values, rules, increases);

        Assert.Equal([0, 0, 0.5], increases);
    }

    /// <summary>A meter's readings with the consumption that really happened between them.</summary>
    private sealed class MeterHistory
    {
        public List<long> Ticks { get; } = [];

        public List<double> Values { get; } = [];

        public double TrueConsumption { get; private set; }

        public CounterRules Rules { get; private set; } = CounterRules.Default;

        public static MeterHistory Generate(Random random, int readings)
        {
            var history = new MeterHistory();
            var replacements = new List<MeterReplacement>();
            var meter = 50_000 + (random.NextDouble() * 40_000);
            long tick = 1_000_000;
            history.Add(tick, meter);
            for (var i = 1; i < readings; i++)
            {
                var step = random.Next(1, 4) * TimeSpan.TicksPerMinute * 15;
                var consumed = random.Next(4) == 0 ? 0 : Math.Round(random.NextDouble() * 5, 3);
                tick += step;
                var roll = random.Next(100);
                if (roll < 2 && meter > 1_000 * 5 && meter < WrapsAt * 0.9)
                {
                    // Reset right after the previous reading: everything since is on the restarted counter.
                    meter = consumed;
                }
                else if (roll < 4)
                {
                    // Declared replacement in the middle of the interval: part on the old meter, the rest on the new one.
                    var onOld = Math.Round(consumed * random.NextDouble(), 3);
                    var newInitial = Math.Round(random.NextDouble() * 30_000, 3);
                    replacements.Add(new MeterReplacement(new DateTimeOffset(tick - (step / 2), TimeSpan.Zero), meter + onOld, newInitial));
                    meter = newInitial + (consumed - onOld);
                }
                else
                {
                    meter += consumed;
                    if (meter >= WrapsAt)
                    {
                        meter -= WrapsAt;
                    }
                }

                history.TrueConsumption += consumed;
                history.Add(tick, meter);
                if (random.Next(20) == 0)
                {
                    history.Add(tick, meter); // The same reading delivered twice.
                }
                else if (random.Next(20) == 0)
                {
                    // A reading a hair below the true value, taken a minute later with nothing consumed in between.
                    history.Add(tick + TimeSpan.TicksPerMinute, Math.Max(0, meter - (Jitter / 2)));
                }
            }

            history.Rules = new CounterRules { WrapsAt = WrapsAt, JitterTolerance = Jitter, Replacements = replacements };
            return history;
        }

        private void Add(long tick, double value)
        {
            Ticks.Add(tick);
            Values.Add(value);
        }
    }
}
