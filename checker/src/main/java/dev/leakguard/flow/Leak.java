package dev.leakguard.flow;

import com.sun.source.tree.Tree;
import dev.leakguard.flow.ObligationSpec.Acquisition;
import org.jspecify.annotations.Nullable;

/**
 * An obligation that some path of a method leaves open: where it was acquired, and the first event
 * on a leaking path.
 *
 * @param site the acquiring expression, or the declaration of a parameter the method owns from its
 *     entry ({@link ObligationSpec#parameterAcquisition}); diagnostics are reported here
 * @param acquisition what the spec said the site acquires
 * @param name how messages name the resource: the variable it was stored in, the lock expression,
 *     or the acquiring expression's source
 * @param path how it leaks
 * @param witness the tree the path names (the call that throws, the {@code return}, the
 *     reassignment); null for {@link Path#END_OF_METHOD} and {@link Path#NEVER_RELEASED}
 * @param witnessText the witness as messages show it ({@code items.add(...)}, "line 12")
 * @param escapes whether some other path hands it off (returns it, stores it, gives it to an
 *     owner): then closing it in this method is not a fix, it would break the new owner
 * @param ownerUnbuilt whether the leaking path is a constructor (or instance initializer) failing
 *     after it stored the resource in a field of {@code this}: the object that would own it is
 *     never returned ({@link ObligationSpec#constructorOwnsStoredFieldsUntilItCompletes})
 * @param releaseCondition the condition every release of it runs under, in words ("`in.close()`
 *     runs only when `flag`"), or null ({@link ReleaseCondition})
 */
public record Leak(
    Tree site,
    Acquisition acquisition,
    String name,
    Path path,
    @Nullable Tree witness,
    String witnessText,
    boolean escapes,
    boolean ownerUnbuilt,
    @Nullable String releaseCondition) {

  public Leak(
      Tree site,
      Acquisition acquisition,
      String name,
      Path path,
      @Nullable Tree witness,
      String witnessText,
      boolean escapes,
      boolean ownerUnbuilt) {
    this(site, acquisition, name, path, witness, witnessText, escapes, ownerUnbuilt, null);
  }

  public Leak(
      Tree site,
      Acquisition acquisition,
      String name,
      Path path,
      @Nullable Tree witness,
      String witnessText,
      boolean escapes) {
    this(site, acquisition, name, path, witness, witnessText, escapes, false);
  }

  /** The shape of the leaking path. */
  public enum Path {
    /** A call made while it is open throws and nothing on the way out releases it. */
    CALL_THROWS,
    /**
     * Code that throws without a call ({@code budget / threads}, {@code items[i]}, unboxing) leaves
     * the method while it is open; only for specs that count such paths.
     */
    IMPLICIT_THROW,
    /** A {@code throw} statement leaves the method while it is open. */
    THROW_STATEMENT,
    /** An exception is caught while it is open and the method then completes without releasing. */
    CAUGHT_EXCEPTION,
    /** A {@code return} leaves the method while it is open. */
    RETURN,
    /** The variable holding it is overwritten while it is open. */
    REASSIGNED,
    /**
     * A call gives it an obligation again after its release (or gives a value that owed nothing
     * one: {@code @CreatesMustCallFor}, a socket's {@code connect}), and no release follows.
     */
    RECREATED,
    /**
     * The method completes normally while it is open: it falls off its end, or a {@code return;}
     * (which the CFG does not mark) leaves early.
     */
    END_OF_METHOD,
    /** No path of the method releases it or hands it off. */
    NEVER_RELEASED
  }

  /**
   * The leak in words, e.g. "`lock` stays held if `items.add(...)` throws".
   *
   * @param verb the spec's {@link ObligationSpec#leakVerb()}
   */
  public String describe(String verb) {
    String subject = "`" + name + "` " + verb;
    String sentence =
        switch (path) {
          case CALL_THROWS -> subject + " if `" + witnessText + "` throws";
          case IMPLICIT_THROW -> subject + " if " + witnessText;
          case THROW_STATEMENT -> subject + " when the method throws at " + witnessText;
          case CAUGHT_EXCEPTION ->
              subject + " when `" + witnessText + "` throws and the exception is caught";
          case RETURN -> subject + " when the method returns at " + witnessText;
          case RECREATED -> subject + " after " + witnessText;
          case REASSIGNED -> subject + ": the variable is overwritten at " + witnessText + " while it is open";
          case END_OF_METHOD -> subject + " on a path that leaves the method without releasing it";
          case NEVER_RELEASED -> subject + " on any path";
        };
    if (ownerUnbuilt) {
      sentence += ": the constructor fails and the object that would own it is never returned";
    }
    // Say why a call's result is this method's to release: the reader may not expect it.
    if (acquisition.ownedBecause() != null) {
      sentence += " (" + acquisition.ownedBecause() + ")";
    }
    return releaseCondition == null ? sentence : sentence + ", and " + releaseCondition;
  }

  /** This leak, its message also saying the condition its releases run under. */
  Leak withReleaseCondition(@Nullable String condition) {
    return condition == null
        ? this
        : new Leak(site, acquisition, name, path, witness, witnessText, escapes, ownerUnbuilt, condition);
  }
}
