package dev.leakguard.flow;

import static java.util.Comparator.comparingInt;

import com.google.common.collect.ImmutableList;
import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.processing.JavacProcessingEnvironment;
import dev.leakguard.flow.ObligationStore.Witness;
import dev.leakguard.trees.OwnCodeScanner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.lang.model.element.Element;
import org.checkerframework.errorprone.dataflow.analysis.ForwardAnalysisImpl;
import org.checkerframework.errorprone.dataflow.analysis.TransferInput;
import org.checkerframework.errorprone.dataflow.analysis.TransferResult;
import org.checkerframework.errorprone.dataflow.cfg.ControlFlowGraph;
import org.checkerframework.errorprone.dataflow.cfg.UnderlyingAST;
import org.checkerframework.errorprone.dataflow.cfg.builder.CFGBuilder;
import org.checkerframework.errorprone.dataflow.cfg.node.ArrayAccessNode;
import org.checkerframework.errorprone.dataflow.cfg.node.FieldAccessNode;
import org.checkerframework.errorprone.dataflow.cfg.node.Node;
import org.jspecify.annotations.Nullable;

/**
 * The must-release analysis every LeakGuard check shares: over one method's control-flow graph,
 * with its exceptional edges, find the obligations some path leaves open.
 *
 * <p>Methods without an acquisition are skipped before any CFG is built, which is what keeps the
 * plugin's cost near zero on ordinary code. Nothing is cached across calls: javac may run several
 * compilations in one JVM at once.
 */
public final class ObligationAnalysis {

  /** System property that makes analysis failures throw instead of skipping the method. */
  public static final String STRICT_PROPERTY = "leakguard.strict";

  private ObligationAnalysis() {}

  /**
   * The leaks in the method or lambda at the end of {@code path}, one per acquisition site, in
   * source order. Nested lambdas and classes are not part of it; they are analysed on their own.
   * Never throws: a method the CFG builder cannot handle yields no leaks.
   */
  public static ImmutableList<Leak> findLeaks(
      TreePath path, ObligationSpec spec, VisitorState state) {
    Tree leaf = path.getLeaf();
    Tree body =
        leaf instanceof MethodTree method
            ? method.getBody()
            : leaf instanceof LambdaExpressionTree lambda
                ? lambda.getBody()
                : isInitializer(path) ? leaf : null;
    if (body == null) {
      return ImmutableList.of();
    }
    BodyCalls calls = BodyCalls.scan(body, spec, state);
    boolean createsAnything = calls.creates();
    if (!createsAnything
        && !ownsAParameter(leaf, spec, state)
        && (!calls.acquires() || everyAcquisitionScoped(body, path, spec, state))) {
      return ImmutableList.of();
    }
    ClassTree enclosingClass = ASTHelpers.findEnclosingNode(path, ClassTree.class);
    if (enclosingClass == null) {
      return ImmutableList.of();
    }
    ObligationTransfer transfer =
        new ObligationTransfer(
            spec,
            state,
            treesInFinallyBlocks(body),
            tries(body),
            treesInCatchClauses(body),
            treesInLoopConditions(body),
            spec.countsImplicitExceptions()
                ? new ImplicitThrows(body, path.getCompilationUnit(), state)
                : null,
            createsAnything);
    ForwardAnalysisImpl<ObligationValue, ObligationStore, ObligationTransfer> analysis =
        new ForwardAnalysisImpl<>(transfer) {
          /**
           * The library does not call the transfer function for an assignment's target, and sends
           * the store before it down the target's exceptional edges unmarked: {@code items[i] = x}
           * and {@code node.next = x} would leave every open obligation with no leaking event.
           */
          @Override
          protected TransferResult<ObligationValue, ObligationStore> callTransferFunction(
              Node node, TransferInput<ObligationValue, ObligationStore> input) {
            return node.isLValue() && (node instanceof ArrayAccessNode || node instanceof FieldAccessNode)
                ? transfer.assignmentTarget(node, input)
                : super.callTransferFunction(node, input);
          }
        };
    try {
      UnderlyingAST ast =
          leaf instanceof MethodTree method
              ? new UnderlyingAST.CFGMethod(method, enclosingClass)
              : leaf instanceof LambdaExpressionTree lambda
                  ? new UnderlyingAST.CFGLambda(
                      lambda, enclosingClass, ASTHelpers.findEnclosingNode(path, MethodTree.class))
                  : new UnderlyingAST.CFGStatement(leaf, enclosingClass);
      // The body's path is at hand: the builder's other entry would search the unit for it.
      TreePath bodyPath = body == leaf ? path : new TreePath(path, body);
      ControlFlowGraph cfg =
          CFGBuilder.build(
              bodyPath, ast, false, false, JavacProcessingEnvironment.instance(state.context));
      analysis.performAnalysis(cfg);
    } catch (RuntimeException | AssertionError e) {
      // The dataflow library rejects a few tree shapes it does not model. Missing a leak in
      // one method is better than failing the user's build; our own tests run strict so that
      // a method silently skipped cannot pass for a method found clean.
      if (Boolean.getBoolean(STRICT_PROPERTY)) {
        throw e;
      }
      return ImmutableList.of();
    }
    return collectLeaks(
        transfer.obligations(),
        transfer.overwrittenWhileOpen(),
        transfer.lostAfterReturn(),
        transfer.constructedFields(),
        analysis.getRegularExitStore(),
        analysis.getExceptionalExitStore(),
        spec,
        path,
        state);
  }

  /**
   * Whether every acquisition of the body is, as it is made, either the value of a
   * try-with-resources resource whose {@code close()} is its release (closed on every path) or the
   * value a {@code return} hands to the caller: nothing in the body can leak it, and the analysis
   * would find nothing. A wrapper's inner resource is an acquisition of its own (an argument),
   * which keeps the method analysed; so does a {@code return} that a {@code finally} or a
   * resource's close runs after (its failure would lose the returned value), and a method whose
   * return hands nothing off. A third of the methods with acquisitions in h2 are spared their CFG
   * and fixpoint.
   */
  private static boolean everyAcquisitionScoped(
      Tree body, TreePath path, ObligationSpec spec, VisitorState state) {
    for (ExpressionTree invocation : OwnCodeScanner.invocations(body, state)) {
      ObligationSpec.Acquisition acquisition = spec.acquisitionAt(invocation, state);
      if (acquisition == null) {
        continue;
      }
      TreePath at = TreePath.getPath(path, invocation);
      TreePath parent = at == null ? null : at.getParentPath();
      if (parent == null) {
        return false;
      }
      boolean scoped =
          parent.getLeaf() instanceof ReturnTree
              ? returnsToTheCaller(parent, body, path, spec, state)
              : acquisition.mustCall().isEmpty()
                  && parent.getLeaf() instanceof VariableTree resource
                  && resource.getInitializer() == invocation
                  && parent.getParentPath().getLeaf() instanceof TryTree attempt
                  && attempt.getResources().contains(resource);
      if (!scoped) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether what the {@code return} at {@code returned} returns reaches the caller once made: the
   * method hands off what it returns, and no {@code finally} or resource close runs after it.
   */
  private static boolean returnsToTheCaller(
      TreePath returned, Tree body, TreePath path, ObligationSpec spec, VisitorState state) {
    if (path.getLeaf() instanceof MethodTree method) {
      MethodSymbol symbol = ASTHelpers.getSymbol(method);
      if (symbol == null || !spec.returnHandsOff(symbol, state)) {
        return false;
      }
    }
    for (TreePath p = returned; p != null && p.getLeaf() != body; p = p.getParentPath()) {
      if (p.getLeaf() instanceof TryTree attempt
          && (attempt.getFinallyBlock() != null || !attempt.getResources().isEmpty())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the body, outside nested lambdas and classes, acquires something and whether a call
   * in it gives a value an obligation ({@link ObligationSpec#creationBy}): one pass over the
   * body's calls for both ({@link OwnCodeScanner#invocations}, listed once for every check), which
   * stops once the answers cannot change. Most bodies have neither, and this pass is all the
   * analysis costs them.
   */
  private record BodyCalls(boolean acquires, boolean creates) {
    static BodyCalls scan(Tree body, ObligationSpec spec, VisitorState state) {
      boolean looksForCreations = spec.hasCreations();
      boolean acquires = false;
      for (ExpressionTree invocation : OwnCodeScanner.invocations(body, state)) {
        if (looksForCreations
            && invocation instanceof MethodInvocationTree call
            && spec.creationBy(call, state) != null) {
          return new BodyCalls(acquires, true); // the analysis runs whatever else there is
        }
        if (!acquires && spec.acquisitionAt(invocation, state) != null) {
          acquires = true;
          if (!looksForCreations) {
            break;
          }
        }
      }
      return new BodyCalls(acquires, false);
    }
  }

  private static ImmutableList<Leak> collectLeaks(
      List<Obligation> obligations,
      Map<Obligation, Witness> overwrittenWhileOpen,
      Map<Obligation, Witness> lostAfterReturn,
      Set<Element> constructedFields,
      @Nullable ObligationStore regularExit,
      @Nullable ObligationStore exceptionalExit,
      ObligationSpec spec,
      TreePath method,
      VisitorState state) {
    List<Leak> leaks = new ArrayList<>();
    obligations.sort(comparingInt(o -> o.position));
    for (Obligation obligation : obligations) {
      // A parameter owned from the method's entry (its site is the declaration) is always owed.
      if (!obligation.everReleased
          && obligation.site instanceof ExpressionTree site
          && !spec.reportsWhenNeverReleased(site, obligation.acquisition, method, state)) {
        continue; // acquired here, released elsewhere: one half of a begin()/end() pair
      }
      // A constructor that completes hands what its object's fields hold to that object.
      boolean leaksNormally =
          regularExit != null
              && regularExit.isOpen(obligation)
              && constructedFields.stream()
                  .noneMatch(field -> regularExit.heldOnEveryPathBy(obligation, field));
      // An exceptional path with no witness is an implicit exception the transfer never saw: the
      // dataflow library does not run the transfer function on an assignment's target, so the
      // NullPointerException edge of `holder.field = …` carries the store unmarked.
      // A parameter the method owns is taken over only by a method that completes: one that
      // throws leaves it with its caller, who still holds it.
      boolean leaksExceptionally =
          exceptionalExit != null
              && exceptionalExit.isOpen(obligation)
              && exceptionalExit.witness(obligation) != null
              && obligation.site instanceof ExpressionTree;
      Witness overwritten = overwrittenWhileOpen.get(obligation);
      if (overwritten != null && !leaksNormally && obligation.site instanceof ExpressionTree) {
        // Released after the loop, or the loop never ends: only the last instance is. Every
        // pass loses one, which says more than a failure on the way.
        boolean sameSite = isWithin(obligation.site, overwritten.tree(), state);
        leaks.add(
            new Leak(
                obligation.site,
                reported(obligation),
                name(obligation, state),
                Leak.Path.REASSIGNED,
                overwritten.tree(),
                "line "
                    + line(overwritten.tree(), state)
                    + (sameSite ? " (the loop's next iteration)" : ""),
                obligation.everHandedOff));
        continue;
      }
      Witness lost = lostAfterReturn.get(obligation);
      if (lost != null && !leaksNormally && !leaksExceptionally) {
        // Returned, then lost when the finally or a resource's close after the return failed.
        leaks.add(
            new Leak(
                obligation.site,
                reported(obligation),
                name(obligation, state),
                lost.path(),
                lost.tree(),
                lost.tree() instanceof VariableTree resource
                    ? resource.getName() + ".close()"
                    : describe(lost, lost.path(), spec, state),
                true));
        continue;
      }
      if (!leaksNormally && !leaksExceptionally) {
        continue;
      }
      Witness normal = leaksNormally ? regularExit.witness(obligation) : null;
      Witness exceptional = leaksExceptionally ? exceptionalExit.witness(obligation) : null;
      Leak leak = leak(obligation, leaksNormally, normal, exceptional, spec, state);
      if (!leaksNormally
          && exceptional != null
          && leak.witness() == exceptional.tree()
          && obligation.storedInConstructedField >= 0
          && exceptional.position() > obligation.storedInConstructedField) {
        // It failed after the constructor stored it in a field of the object it builds.
        leak =
            new Leak(
                leak.site(),
                leak.acquisition(),
                leak.name(),
                leak.path(),
                leak.witness(),
                leak.witnessText(),
                leak.escapes(),
                true);
      }
      if (!obligation.everHandedOff) {
        // Handed on where it is not released, a release under a condition is no reason to leak.
        Set<Element> known = new HashSet<>();
        if (leaksNormally) {
          known.addAll(regularExit.knownFlags(obligation));
        }
        if (leaksExceptionally) {
          known.addAll(exceptionalExit.knownFlags(obligation));
        }
        leak = leak.withReleaseCondition(releaseCondition(obligation, known, method, spec, state));
      }
      leaks.add(leak);
    }
    return ImmutableList.copyOf(leaks);
  }

  /** {@link ReleaseCondition#of}, which words a message: its failure must not lose the finding. */
  private static @Nullable String releaseCondition(
      Obligation obligation,
      Set<Element> knownFlags,
      TreePath method,
      ObligationSpec spec,
      VisitorState state) {
    try {
      return ReleaseCondition.of(obligation, knownFlags, method, spec, state);
    } catch (RuntimeException e) {
      if (Boolean.getBoolean(STRICT_PROPERTY)) {
        throw e;
      }
      return null;
    }
  }

  private static Leak leak(
      Obligation obligation,
      boolean leaksNormally,
      @Nullable Witness normal,
      @Nullable Witness exceptional,
      ObligationSpec spec,
      VisitorState state) {
    String name = name(obligation, state);
    if (!obligation.everDischarged
        && (normal == null
            || (normal.path() != Leak.Path.REASSIGNED && normal.path() != Leak.Path.RECREATED))) {
      return new Leak(obligation.site, reported(obligation), name, Leak.Path.NEVER_RELEASED, null, "", false);
    }
    // A normal-path leak through a return, a reassignment or a caught exception says most;
    // otherwise the exceptional path names the call to guard, unless a conditional left it
    // unnamed on a normal path, which guarding no call would fix.
    if (normal != null
        || (leaksNormally && (exceptional == null || obligation.chosenOnSomePaths))) {
      if (normal == null) {
        return new Leak(obligation.site, reported(obligation), name, Leak.Path.END_OF_METHOD, null, "", obligation.everHandedOff);
      }
      Leak.Path path =
          switch (normal.path()) {
            case CALL_THROWS, THROW_STATEMENT, IMPLICIT_THROW -> Leak.Path.CAUGHT_EXCEPTION;
            default -> normal.path();
          };
      return new Leak(
          obligation.site,
          reported(obligation),
          name,
          path,
          normal.tree(),
          describe(normal, path, spec, state),
          obligation.everHandedOff);
    }
    Witness witness = exceptional;
    if (witness == null) {
      return new Leak(obligation.site, reported(obligation), name, Leak.Path.END_OF_METHOD, null, "", obligation.everHandedOff);
    }
    return new Leak(
        obligation.site,
        reported(obligation),
        name,
        witness.path(),
        witness.tree(),
        describe(witness, witness.path(), spec, state),
        obligation.everHandedOff);
  }

  /** The acquisition as the report words it: with why its holder does not close it, if one does not. */
  private static ObligationSpec.Acquisition reported(Obligation obligation) {
    ObligationSpec.Acquisition acquisition = obligation.acquisition;
    return obligation.lostThrough == null || acquisition.ownedBecause() != null
        ? acquisition
        : new ObligationSpec.Acquisition(
            acquisition.condition(),
            acquisition.identity(),
            acquisition.kind(),
            acquisition.mustCall(),
            obligation.lostThrough);
  }

  private static String name(Obligation obligation, VisitorState state) {
    if (obligation.acquisition.identity() != null) {
      return shortSource(obligation.acquisition.identity(), state);
    }
    if (obligation.variableName != null) {
      return obligation.variableName;
    }
    return shortSource(obligation.site, state);
  }

  private static String describe(
      Witness witness, Leak.Path path, ObligationSpec spec, VisitorState state) {
    Tree tree = witness.tree();
    return switch (path) {
      case CALL_THROWS, CAUGHT_EXCEPTION -> callText(tree, state);
      case IMPLICIT_THROW -> ImplicitThrows.describe(tree, shortSource(tree, state));
      case RECREATED -> {
        ObligationSpec.Creation creation =
            tree instanceof MethodInvocationTree call ? spec.creationBy(call, state) : null;
        yield "`"
            + shortSource(tree, state)
            + "` (line "
            + line(tree, state)
            + ") "
            + (creation == null ? "gives it a new obligation" : creation.effect());
      }
      default -> "line " + line(tree, state);
    };
  }

  /** {@code items.add(...)}, {@code new Parser()}, {@code parse(...)}. */
  static String callText(Tree tree, VisitorState state) {
    if (tree instanceof MethodInvocationTree call) {
      String callee = shortSource(call.getMethodSelect(), state);
      return callee + (call.getArguments().isEmpty() ? "()" : "(...)");
    }
    if (tree instanceof NewClassTree creation) {
      return "new "
          + shortSource(creation.getIdentifier(), state)
          + (creation.getArguments().isEmpty() ? "()" : "(...)");
    }
    if (tree instanceof ExpressionTree expression) {
      return shortSource(expression, state); // an implicit throw: `budget / threads`
    }
    return "the statement at line " + line(tree, state);
  }

  static String shortSource(Tree tree, VisitorState state) {
    String source = state.getSourceForNode(tree);
    if (source == null) {
      source = tree.toString();
    }
    source = source.replaceAll("\\s+", " ").strip();
    return source.length() <= 60 ? source : source.substring(0, 57) + "...";
  }

  /** Whether {@code inner}'s source lies within {@code outer}'s. */
  static boolean isWithin(Tree inner, Tree outer, VisitorState state) {
    return ASTHelpers.getStartPosition(outer) <= ASTHelpers.getStartPosition(inner)
        && state.getEndPosition(inner) <= state.getEndPosition(outer);
  }

  private static long line(Tree tree, VisitorState state) {
    int position = ASTHelpers.getStartPosition(tree);
    return position < 0 ? 0 : state.getPath().getCompilationUnit().getLineMap().getLineNumber(position);
  }

  /**
   * Every tree inside a clean-up block of the body (nested lambdas and classes excluded): see
   * {@link #cleanUpBlocks}.
   */
  private static Set<Tree> treesInFinallyBlocks(Tree body) {
    return treesInside(body, ObligationAnalysis::cleanUpBlocks);
  }

  /**
   * The blocks that run on the way out of {@code tries}, outermost first: their {@code finally}
   * blocks, and their {@code catch} blocks that end by throwing ({@code catch (Throwable t) {
   * log(t); quietlyClose(connection); throw t; }}, hikaricp PoolBase.newConnection). Code there
   * is held to the rules of a {@code finally}: only the checked exception a call declares skips
   * the releases after it.
   */
  static List<BlockTree> cleanUpBlocks(List<TryTree> tries) {
    List<BlockTree> blocks = new ArrayList<>();
    for (TryTree attempt : tries) {
      blocks.addAll(cleanUpBlocks(attempt));
    }
    return blocks;
  }

  private static List<BlockTree> cleanUpBlocks(TryTree attempt) {
    List<BlockTree> blocks = new ArrayList<>();
    for (CatchTree handler : attempt.getCatches()) {
      List<? extends StatementTree> statements = handler.getBlock().getStatements();
      if (!statements.isEmpty() && statements.get(statements.size() - 1) instanceof ThrowTree) {
        blocks.add(handler.getBlock());
      }
    }
    if (attempt.getFinallyBlock() != null) {
      blocks.add(attempt.getFinallyBlock());
    }
    return blocks;
  }

  /** The {@code try} statements of the body, outermost first. */
  private static List<TryTree> tries(Tree body) {
    List<TryTree> tries = new ArrayList<>();
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitTry(TryTree tryTree, Void unused) {
        tries.add(tryTree);
        return super.visitTry(tryTree, null);
      }
    }.scan(body, null);
    return tries;
  }

  /** Every tree inside a {@code catch} clause of the body (nested lambdas and classes excluded). */
  private static Set<Tree> treesInCatchClauses(Tree body) {
    return treesInside(body, TryTree::getCatches);
  }

  /**
   * Every tree inside the condition of a {@code while}, {@code do} or {@code for} loop of the body
   * (nested lambdas and classes excluded): a flag there is what ends the loop, so something
   * changes it while the loop runs.
   */
  private static Set<Tree> treesInLoopConditions(Tree body) {
    Set<Tree> inside = Collections.newSetFromMap(new IdentityHashMap<>());
    TreeScanner<Void, Void> collector = collectorInto(inside);
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitWhileLoop(WhileLoopTree loop, Void unused) {
        collector.scan(loop.getCondition(), null);
        return super.visitWhileLoop(loop, null);
      }

      @Override
      public Void visitDoWhileLoop(DoWhileLoopTree loop, Void unused) {
        collector.scan(loop.getCondition(), null);
        return super.visitDoWhileLoop(loop, null);
      }

      @Override
      public Void visitForLoop(ForLoopTree loop, Void unused) {
        collector.scan(loop.getCondition(), null);
        return super.visitForLoop(loop, null);
      }
    }.scan(body, null);
    return inside;
  }

  /** A scanner that adds every tree it visits to {@code inside}. */
  private static TreeScanner<Void, Void> collectorInto(Set<Tree> inside) {
    return new TreeScanner<Void, Void>() {
      @Override
      public Void scan(Tree tree, Void unused) {
        if (tree != null) {
          inside.add(tree);
        }
        return super.scan(tree, null);
      }
    };
  }

  private static Set<Tree> treesInside(
      Tree body, Function<TryTree, List<? extends @Nullable Tree>> parts) {
    Set<Tree> inside = Collections.newSetFromMap(new IdentityHashMap<>());
    TreeScanner<Void, Void> collector = collectorInto(inside);
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitTry(TryTree tryTree, Void unused) {
        for (Tree part : parts.apply(tryTree)) {
          collector.scan(part, null);
        }
        return super.visitTry(tryTree, null);
      }
    }.scan(body, null);
    return inside;
  }

  /** Whether the method owns one of its parameters from its entry on ({@code @Owning}). */
  private static boolean ownsAParameter(Tree leaf, ObligationSpec spec, VisitorState state) {
    if (!(leaf instanceof MethodTree method)) {
      return false;
    }
    for (VariableTree parameter : method.getParameters()) {
      VarSymbol symbol = ASTHelpers.getSymbol(parameter);
      if (symbol != null && spec.parameterAcquisition(symbol, state) != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * An instance or static initializer block ({@code static { … }}), which runs like a method
   * body: a class that loads its settings there opens streams there.
   */
  public static boolean isInitializer(TreePath path) {
    return path.getLeaf() instanceof BlockTree
        && path.getParentPath() != null
        && path.getParentPath().getLeaf() instanceof ClassTree;
  }
}
