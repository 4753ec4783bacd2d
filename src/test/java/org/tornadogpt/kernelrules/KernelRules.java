package org.tornadogpt.kernelrules;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeAnnotation;
import java.lang.classfile.attribute.RuntimeVisibleParameterAnnotationsAttribute;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LocalVariable;
import java.lang.classfile.instruction.NewMultiArrayInstruction;
import java.lang.classfile.instruction.NewObjectInstruction;
import java.lang.classfile.instruction.NewPrimitiveArrayInstruction;
import java.lang.classfile.instruction.NewReferenceArrayInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.ThrowInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks compiled kernel classes against TornadoVM's kernel rules, so kernels stay compilable by
 * TornadoVM although the build has no TornadoVM. Reads the class files with the JDK's class-file
 * API ({@code java.lang.classfile}); every method except constructors and static initialisers is a
 * kernel and must:
 * <ul>
 *   <li>be static, return void, have at most 15 parameters, each a {@code FloatArray},
 *       {@code IntArray} or a primitive, none annotated {@code @Reduce};</li>
 *   <li>carry a LocalVariableTable (without it TornadoVM's compiler bails out to the JVM);</li>
 *   <li>not allocate ({@code new}, {@code newarray}, {@code anewarray}, {@code multianewarray}),
 *       throw ({@code athrow}), catch, synchronise, touch fields, use {@code invokedynamic}
 *       (string concatenation, lambdas), recurse, or invoke anything outside the allowlist:
 *       {@code FloatArray}/{@code IntArray} {@code get/set/getSize}, {@code TornadoMath}'s
 *       functions, and the {@code java.lang.Math} methods TornadoVM's backends map to device
 *       built-ins (min, max, abs, sqrt, exp, log, pow, and the trigonometric ones);</li>
 *   <li>if it has a {@code @Parallel} loop (a type annotation on a local variable): start with
 *       {@code int first, int count}, and start that loop at a constant (TornadoVM 5.2 refuses a
 *       parallel loop that starts at a kernel argument).</li>
 * </ul>
 */
public final class KernelRules {
    private KernelRules() {}

    /** One broken rule: the class (binary name), the method (name + descriptor) and why. */
    public record Violation(String className, String method, String reason) {
        @Override
        public String toString() {
            return className + "." + method + ": " + reason;
        }
    }

    static final int MAX_PARAMETERS = 15;

    static final String API = "uk/ac/manchester/tornado/api/";
    static final ClassDesc FLOAT_ARRAY = ClassDesc.ofInternalName(API + "types/arrays/FloatArray");
    static final ClassDesc INT_ARRAY = ClassDesc.ofInternalName(API + "types/arrays/IntArray");
    static final ClassDesc TORNADO_MATH = ClassDesc.ofInternalName(API + "math/TornadoMath");
    static final ClassDesc JAVA_MATH = ClassDesc.of("java.lang.Math");
    static final String PARALLEL = "L" + API + "annotations/Parallel;";
    static final String REDUCE = "L" + API + "annotations/Reduce;";

    /** Array accessors: owner -> allowed "name descriptor". */
    static final Map<ClassDesc, Set<String>> ARRAY_METHODS = Map.of(
            FLOAT_ARRAY, Set.of("get(I)F", "set(IF)V", "getSize()I"),
            INT_ARRAY, Set.of("get(I)I", "set(II)V", "getSize()I"));

    /** java.lang.Math methods that TornadoVM's OpenCL/PTX/SPIR-V graph builders replace by device built-ins. */
    static final Set<String> MAPPED_MATH = Set.of("min", "max", "abs", "sqrt", "exp", "log", "pow",
            "sin", "cos", "tan", "tanh", "atan", "atan2", "asin", "acos");

    /** Checks one class file; returns every violation (empty when the class is fine). */
    public static List<Violation> check(byte[] classFile) {
        ClassModel cm = ClassFile.of().parse(classFile);
        String cls = cm.thisClass().asInternalName().replace('/', '.');
        ClassDesc self = cm.thisClass().asSymbol();
        List<Violation> out = new ArrayList<>();
        for (MethodModel m : cm.methods()) {
            String name = m.methodName().stringValue();
            if (name.equals("<init>") || name.equals("<clinit>")) continue;
            String id = name + m.methodType().stringValue();
            new MethodCheck(cls, self, m, id, out).run();
        }
        return out;
    }

    /** A type's Java name: package-qualified class names, primitives, arrays with []. */
    static String fqn(ClassDesc d) {
        if (d.isArray()) return fqn(d.componentType()) + "[]";
        if (d.isPrimitive() || d.packageName().isEmpty()) return d.displayName();
        return d.packageName() + "." + d.displayName();
    }

    private static final class MethodCheck {
        final String cls;
        final ClassDesc self;
        final MethodModel m;
        final String id;
        final List<Violation> out;

        MethodCheck(String cls, ClassDesc self, MethodModel m, String id, List<Violation> out) {
            this.cls = cls;
            this.self = self;
            this.m = m;
            this.id = id;
            this.out = out;
        }

        void fail(String reason) {
            out.add(new Violation(cls, id, reason));
        }

        void run() {
            MethodTypeDesc type = m.methodTypeSymbol();
            boolean isStatic = m.flags().has(AccessFlag.STATIC);
            if (!isStatic) fail("not static: a kernel is a static method");
            if (!type.returnType().descriptorString().equals("V")) fail("returns " + type.returnType().displayName() + ": a kernel returns void");
            if (type.parameterCount() > MAX_PARAMETERS)
                fail(type.parameterCount() + " parameters: TornadoVM kernels here take at most " + MAX_PARAMETERS);
            for (int i = 0; i < type.parameterCount(); i++) {
                ClassDesc p = type.parameterType(i);
                if (!p.isPrimitive() && !p.equals(FLOAT_ARRAY) && !p.equals(INT_ARRAY))
                    fail("parameter " + i + " has type " + fqn(p) + ": only FloatArray, IntArray and primitives are allowed");
            }
            m.findAttribute(Attributes.runtimeVisibleParameterAnnotations()).ifPresent(this::checkParameterAnnotations);
            m.findAttribute(Attributes.runtimeInvisibleParameterAnnotations()).ifPresent(a -> {
                for (var list : a.parameterAnnotations())
                    for (var an : list)
                        if (an.className().stringValue().equals(REDUCE)) fail("uses @Reduce: sum with explicit loops instead");
            });
            CodeModel code = m.code().orElse(null);
            if (code == null) {
                fail("has no code (abstract or native)");
                return;
            }
            if (code.findAttribute(Attributes.localVariableTable()).isEmpty())
                fail("has no LocalVariableTable: compile with -g (TornadoVM bails out to the JVM without it)");
            checkInstructions(code);
            checkParallelLoops(code, type);
        }

        void checkParameterAnnotations(RuntimeVisibleParameterAnnotationsAttribute a) {
            for (var list : a.parameterAnnotations())
                for (var an : list)
                    if (an.className().stringValue().equals(REDUCE)) fail("uses @Reduce: sum with explicit loops instead");
        }

        void checkInstructions(CodeModel code) {
            for (CodeElement e : code) {
                switch (e) {
                    case NewObjectInstruction n -> fail("allocates: new " + fqn(n.className().asSymbol()));
                    case NewPrimitiveArrayInstruction n -> fail("allocates: newarray " + fqn(n.typeKind().upperBound()) + "[]");
                    case NewReferenceArrayInstruction n -> fail("allocates: anewarray " + fqn(n.componentType().asSymbol()) + "[]");
                    case NewMultiArrayInstruction n -> fail("allocates: multianewarray " + fqn(n.arrayType().asSymbol()));
                    case ThrowInstruction t -> fail("throws: athrow");
                    case ExceptionCatch c -> fail("catches exceptions: a try/catch or finally block");
                    case InvokeDynamicInstruction d -> fail("uses invokedynamic (" + d.name().stringValue()
                            + "): string concatenation, lambdas and similar are not allowed in kernels");
                    case InvokeInstruction inv -> checkInvoke(inv);
                    case FieldInstruction f -> fail("accesses field " + fqn(f.owner().asSymbol()) + "." + f.name().stringValue()
                            + ": kernels use only their parameters and locals");
                    case Instruction i when i.opcode() == Opcode.MONITORENTER || i.opcode() == Opcode.MONITOREXIT ->
                            fail("synchronises: " + i.opcode().name().toLowerCase());
                    default -> { }
                }
            }
        }

        void checkInvoke(InvokeInstruction inv) {
            ClassDesc owner = inv.owner().asSymbol();
            String name = inv.name().stringValue();
            String desc = inv.type().stringValue();
            if (owner.equals(self) && (name + desc).equals(id)) {
                fail("recurses: calls itself");
                return;
            }
            Set<String> arr = ARRAY_METHODS.get(owner);
            if (arr != null && inv.opcode() == Opcode.INVOKEVIRTUAL && arr.contains(name + desc)) return;
            if (inv.opcode() == Opcode.INVOKESTATIC) {
                if (owner.equals(TORNADO_MATH) && !name.startsWith("isEqual") && primitiveOnly(inv.typeSymbol())) return;
                if (owner.equals(JAVA_MATH) && MAPPED_MATH.contains(name) && primitiveOnly(inv.typeSymbol())) return;
            }
            fail("calls " + fqn(owner) + "." + name + desc + " (" + inv.opcode().name().toLowerCase()
                    + "), which is outside the allowlist (FloatArray/IntArray get/set/getSize, TornadoMath, mapped java.lang.Math)");
        }

        static boolean primitiveOnly(MethodTypeDesc t) {
            if (!t.returnType().isPrimitive()) return false;
            for (ClassDesc p : t.parameterList()) if (!p.isPrimitive()) return false;
            return true;
        }

        /** Finds @Parallel locals; checks the launch convention and that each loop starts at a constant. */
        void checkParallelLoops(CodeModel code, MethodTypeDesc type) {
            var ta = code.findAttribute(Attributes.runtimeVisibleTypeAnnotations());
            if (ta.isEmpty()) return;
            List<TypeAnnotation.LocalVarTargetInfo> parallel = new ArrayList<>();
            for (TypeAnnotation a : ta.get().annotations()) {
                if (!a.annotation().className().stringValue().equals(PARALLEL)) continue;
                if (a.targetInfo() instanceof TypeAnnotation.LocalVarTarget lv) parallel.addAll(lv.table());
            }
            for (TypeAnnotation a : ta.get().annotations())
                if (a.annotation().className().stringValue().equals(REDUCE)) fail("uses @Reduce: sum with explicit loops instead");
            if (parallel.isEmpty()) return;

            boolean convention = type.parameterCount() >= 2
                    && type.parameterType(0).descriptorString().equals("I")
                    && type.parameterType(1).descriptorString().equals("I");
            if (convention) {
                int slot0 = m.flags().has(AccessFlag.STATIC) ? 0 : 1;
                String n0 = localName(code, slot0), n1 = localName(code, slot0 + 1);
                if (n0 != null && n1 != null && !(n0.equals("first") && n1.equals("count"))) convention = false;
            }
            if (!convention)
                fail("has a @Parallel loop but does not start with (int first, int count): the launch convention");

            List<CodeElement> els = code.elementList();
            for (TypeAnnotation.LocalVarTargetInfo info : parallel) {
                if (!startsAtConstant(els, info.startLabel(), info.index()))
                    fail("its @Parallel loop variable (slot " + info.index() + ") does not start at a constant:"
                            + " write for (@Parallel int i = 0; i < count; i++) { int r = first + i; ... }");
            }
        }

        /** Whether the last two instructions before {@code start} are "push constant; istore slot". */
        static boolean startsAtConstant(List<CodeElement> els, Label start, int slot) {
            int at = -1;
            for (int i = 0; i < els.size(); i++)
                if (els.get(i) instanceof LabelTarget lt && lt.label().equals(start)) { at = i; break; }
            if (at < 0) return false;
            Instruction store = null, before = null;
            for (int i = at - 1; i >= 0 && before == null; i--) {
                if (els.get(i) instanceof Instruction ins) {
                    if (store == null) store = ins;
                    else before = ins;
                }
            }
            return store instanceof StoreInstruction s && s.slot() == slot && before instanceof ConstantInstruction;
        }

        static String localName(CodeModel code, int slot) {
            for (CodeElement e : code)
                if (e instanceof LocalVariable lv && lv.slot() == slot) return lv.name().stringValue();
            return null;
        }
    }
}
