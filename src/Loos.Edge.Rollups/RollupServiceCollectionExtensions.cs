using Loos.Edge.Aggregation.Counters;
using Loos.Edge.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Loos.Edge.Rollups;

/// <summary>Registers the gateway's rollups.</summary>
public static class RollupServiceCollectionExtensions
{
    /// <summary>
    /// Adds the hosted service that rolls the buffered readings up into derived series (<paramref name="options"/>,
    /// checked by <see cref="RollupOptions.Validate"/>). Needs the buffer's <c>IReadingLog</c> and <c>IReadingSink</c>,
    /// the series catalogue and a <see cref="TimeProvider"/> from the container. <paramref name="counterRulesFor"/> gives
    /// a series' counter rules (null: the defaults), e.g. the heating section's <c>HeatingOptions.CounterRulesFor</c>.
    /// </summary>
    public static IServiceCollection AddRollups(this IServiceCollection services, RollupOptions options, Func<SeriesKey, CounterRules?>? counterRulesFor = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var problems = RollupOptionsValidator.Check(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(options));
        }

        services.AddSingleton<IHostedService>(provider => ActivatorUtilities.CreateInstance<RollupService>(provider, options, counterRulesFor ?? (_ => null)));
        return services;
    }
}
